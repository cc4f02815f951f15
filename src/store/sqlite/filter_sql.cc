#include "store/sqlite/filter_sql.h"

#include <fmt/format.h>

#include <variant>

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::filter::Comparison;
using core::filter::Expr;
using core::filter::Op;
using core::filter::Value;

enum class Kind { kText, kVersion, kInt, kBool, kState, kTime };

// When a column holds "no value": optional health fields are NULL, last_seen is 0 (never seen).
enum class Unset { kNever, kNull, kZero };

struct Column {
  std::string_view field;
  std::string_view column;  // the value; for versions the text, used by `~`
  Kind kind;
  Unset unset = Unset::kNever;
  std::string_view key_column = {};  // versions: the VersionSortKey blob, used by comparisons
};

constexpr Column kColumns[] = {
    {"id", "d.id", Kind::kInt},
    {"name", "d.name", Kind::kText},
    {"protocol", "d.protocol", Kind::kText},
    {"manufacturer", "d.manufacturer", Kind::kText},
    {"model", "d.model", Kind::kText},
    {"serial", "d.serial", Kind::kText},
    {"address", "d.address", Kind::kText},
    {"transport", "d.transport", Kind::kText},
    {"power_source", "d.power_source", Kind::kText},
    {"hardware_version", "d.hardware_version", Kind::kVersion, Unset::kNever, "d.hardware_key"},
    {"firmware_version", "d.firmware_version", Kind::kVersion, Unset::kNever, "d.firmware_key"},
    {"software_version", "d.software_version", Kind::kVersion, Unset::kNever, "d.software_key"},
    {"state", "d.state", Kind::kState},
    {"online", "d.online", Kind::kBool},
    {"queue_mode", "d.queue_mode", Kind::kBool},
    {"battery_level", "d.battery_level", Kind::kInt, Unset::kNull},
    {"signal_strength", "d.signal_strength", Kind::kInt, Unset::kNull},
    {"free_memory", "d.free_memory", Kind::kInt, Unset::kNull},
    {"lifetime", "d.lifetime_s", Kind::kInt},
    {"last_seen", "d.last_seen", Kind::kTime, Unset::kZero},
    {"created_at", "d.created_at", Kind::kTime},
    {"updated_at", "d.updated_at", Kind::kTime},
};

// SQL that is 1 when `col` has a value (`has` true) or has none (`has` false).
std::string HasValue(const Column& col, std::string_view target, bool has) {
  if (col.unset == Unset::kZero) return fmt::format("{} {} 0", target, has ? "!=" : "=");
  return fmt::format("{} IS {}NULL", target, has ? "NOT " : "");
}

const Column* FindColumn(std::string_view field) {
  for (const Column& c : kColumns) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

tl::unexpected<core::Error> Invalid(const Comparison& c, std::string message) {
  return core::MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("field '{}': {}", c.field.name, message), c.position);
}

class Translator {
 public:
  // `conjunct`: every device the whole filter selects must satisfy `expr` (it is the root or
  // reached from it through `and` only).
  core::Result<void> Emit(const Expr& expr, bool conjunct) {
    switch (expr.kind) {
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        if (expr.children.empty()) {
          out_.sql += expr.kind == Expr::Kind::kAnd ? "1" : "0";
          return {};
        }
        out_.sql += '(';
        for (std::size_t i = 0; i < expr.children.size(); ++i) {
          if (i > 0) out_.sql += expr.kind == Expr::Kind::kAnd ? " AND " : " OR ";
          if (auto r = Emit(expr.children[i], conjunct && expr.kind == Expr::Kind::kAnd); !r) {
            return r;
          }
        }
        out_.sql += ')';
        return {};
      }
      case Expr::Kind::kNot:
        if (expr.children.size() != 1) {
          return core::MakeError(ErrorCode::kInvalidArgument, "'not' needs one operand");
        }
        out_.sql += "NOT (";
        if (auto r = Emit(expr.children[0], false); !r) return r;
        out_.sql += ')';
        return {};
      case Expr::Kind::kCompare:
        return expr.comparison.field.is_label ? EmitLabel(expr.comparison, conjunct)
                                              : EmitColumn(expr.comparison);
    }
    return core::MakeError(ErrorCode::kInvalidArgument, "unknown expression kind");
  }

  SqlCondition Take() { return std::move(out_); }

 private:
  // Label values are text; integer and boolean literals compare as their text.
  static std::string LabelText(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    return std::get<bool>(v) ? "true" : "false";
  }

  core::Result<void> EmitLabel(const Comparison& c, bool conjunct) {
    // The condition on l.value, shared by the EXISTS test and the driver.
    SqlCondition value;
    switch (c.op) {
      case Op::kExists:
        break;
      case Op::kIn:
      case Op::kNotIn: {
        if (c.values.empty()) return Invalid(c, "'in' needs at least one value");
        value.sql += " AND l.value IN (";
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          value.sql += i == 0 ? "?" : ", ?";
          value.params.push_back(SqlParam::Text(LabelText(c.values[i])));
        }
        value.sql += ')';
        break;
      }
      case Op::kMatch:
        if (c.values.size() != 1) return Invalid(c, "'~' needs one value");
        if (auto r = EmitGlob(value, "l.value", LabelText(c.values[0])); !r) return r;
        break;
      default:
        if (c.values.size() != 1) return Invalid(c, "needs one value");
        value.sql +=
            fmt::format(" AND l.value {} ?", c.op == Op::kNe ? "=" : core::filter::ToString(c.op));
        value.params.push_back(SqlParam::Text(LabelText(c.values[0])));
        break;
    }
    const bool negated = c.op == Op::kNe || c.op == Op::kNotIn;
    out_.sql += negated ? "NOT EXISTS" : "EXISTS";
    out_.sql += " (SELECT 1 FROM device_labels l WHERE l.device_id = d.id AND l.key = ?";
    out_.sql += value.sql;
    out_.sql += ')';
    out_.params.push_back(SqlParam::Text(c.field.label_key));
    out_.params.insert(out_.params.end(), value.params.begin(), value.params.end());
    if (conjunct && !negated) {
      Driver driver;
      driver.sql = "SELECT l.device_id FROM device_labels l WHERE l.key = ?" + value.sql;
      driver.params.push_back(SqlParam::Text(c.field.label_key));
      driver.params.insert(driver.params.end(), value.params.begin(), value.params.end());
      out_.drivers.push_back(std::move(driver));
    }
    return {};
  }

  core::Result<SqlParam> Literal(const Comparison& c, const Column& col, const Value& v) {
    switch (col.kind) {
      case Kind::kText:
      case Kind::kVersion:
      case Kind::kState: {
        const auto* s = std::get_if<std::string>(&v);
        if (s == nullptr) return Invalid(c, "expected a string");
        if (col.kind == Kind::kText) return SqlParam::Text(*s);
        if (col.kind == Kind::kVersion) {
          return SqlParam::Blob(core::filter::VersionSortKey(*s));
        }
        auto state = core::ParseLifecycleState(*s);
        if (!state) return Invalid(c, fmt::format("unknown state '{}'", *s));
        return SqlParam::Int(static_cast<std::int64_t>(*state));
      }
      case Kind::kInt:
      case Kind::kTime: {
        const auto* i = std::get_if<std::int64_t>(&v);
        if (i == nullptr) return Invalid(c, "expected an integer");
        return SqlParam::Int(*i);
      }
      case Kind::kBool: {
        const auto* b = std::get_if<bool>(&v);
        if (b == nullptr) return Invalid(c, "expected true or false");
        return SqlParam::Int(*b ? 1 : 0);
      }
    }
    return Invalid(c, "unsupported type");
  }

  core::Result<void> EmitColumn(const Comparison& c) {
    const Column* col = FindColumn(c.field.name);
    if (col == nullptr) return Invalid(c, "unknown field");
    std::string_view target = col->kind == Kind::kVersion ? col->key_column : col->column;
    switch (c.op) {
      case Op::kExists:
        out_.sql += col->unset == Unset::kNever ? "1" : HasValue(*col, target, true);
        return {};
      case Op::kMatch: {
        if (col->kind != Kind::kText && col->kind != Kind::kVersion) {
          return Invalid(c, "'~' applies to text fields only");
        }
        const auto* s = c.values.size() == 1 ? std::get_if<std::string>(&c.values[0]) : nullptr;
        if (s == nullptr) return Invalid(c, "'~' needs one string");
        out_.sql += '(';
        if (auto r = EmitGlob(out_, col->column, *s); !r) return r;
        out_.sql += ')';
        return {};
      }
      case Op::kIn:
      case Op::kNotIn: {
        if (c.values.empty()) return Invalid(c, "'in' needs at least one value");
        const bool negated = c.op == Op::kNotIn;
        out_.sql += '(';
        if (col->unset != Unset::kNever) {
          out_.sql +=
              fmt::format("{} {} ", HasValue(*col, target, !negated), negated ? "OR" : "AND");
        }
        out_.sql += fmt::format("{} {}IN (", target, negated ? "NOT " : "");
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          auto p = Literal(c, *col, c.values[i]);
          if (!p) return tl::unexpected(p.error());
          out_.sql += i == 0 ? "?" : ", ?";
          out_.params.push_back(std::move(*p));
        }
        out_.sql += "))";
        return {};
      }
      default: {
        if (c.values.size() != 1) return Invalid(c, "needs one value");
        auto p = Literal(c, *col, c.values[0]);
        if (!p) return tl::unexpected(p.error());
        if (col->unset == Unset::kNever) {
          out_.sql += fmt::format("{} {} ?", target, core::filter::ToString(c.op));
        } else if (c.op == Op::kNe) {
          out_.sql += fmt::format("({} OR {} != ?)", HasValue(*col, target, false), target);
        } else {
          out_.sql += fmt::format("({} AND {} {} ?)", HasValue(*col, target, true), target,
                                  core::filter::ToString(c.op));
        }
        out_.params.push_back(std::move(*p));
        return {};
      }
    }
  }

  // Appends the glob test on a NOT NULL text column to `into`; inside a label subquery (column
  // l.value) it is ANDed on, and a match-everything glob adds nothing.
  static core::Result<void> EmitGlob(SqlCondition& into, std::string_view column,
                                     std::string_view glob) {
    const bool in_label = column.starts_with("l.");
    GlobPlan plan = PlanGlob(glob);
    std::string test;
    switch (plan.kind) {
      case GlobPlan::Kind::kAll:
        if (!in_label) into.sql += '1';
        return {};
      case GlobPlan::Kind::kEqual:
        test = fmt::format("{} = ?", column);
        into.params.push_back(SqlParam::Text(std::move(plan.pattern)));
        break;
      case GlobPlan::Kind::kPrefix:
        test = fmt::format("{0} >= ?", column);
        into.params.push_back(SqlParam::Text(std::move(plan.pattern)));
        if (!plan.upper.empty()) {
          test += fmt::format(" AND {} < ?", column);
          into.params.push_back(SqlParam::Text(std::move(plan.upper)));
        }
        break;
      case GlobPlan::Kind::kGlob:
        test = fmt::format("{} GLOB ?", column);
        into.params.push_back(SqlParam::Text(std::move(plan.pattern)));
        break;
    }
    into.sql += in_label ? " AND " + test : test;
    return {};
  }

  SqlCondition out_;
};

}  // namespace

GlobPlan PlanGlob(std::string_view glob) {
  std::size_t first_wild = glob.find_first_of("*?");
  if (first_wild == std::string_view::npos) {
    return GlobPlan{GlobPlan::Kind::kEqual, std::string(glob), {}};
  }
  if (first_wild == glob.size() - 1 && glob.back() == '*') {
    std::string prefix(glob.substr(0, first_wild));
    if (prefix.empty()) return GlobPlan{GlobPlan::Kind::kAll, {}, {}};
    // The smallest string greater than every string with this prefix: drop trailing 0xff
    // bytes and increment the last remaining one.
    std::string upper = prefix;
    while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
    if (!upper.empty()) upper.back() = static_cast<char>(upper.back() + 1);
    return GlobPlan{GlobPlan::Kind::kPrefix, std::move(prefix), std::move(upper)};
  }
  std::string escaped;
  escaped.reserve(glob.size());
  for (char ch : glob) {
    if (ch == '[') {
      escaped += "[[]";
    } else {
      escaped += ch;
    }
  }
  return GlobPlan{GlobPlan::Kind::kGlob, std::move(escaped), {}};
}

core::Result<SqlCondition> FilterToSql(const Expr& expr) {
  Translator translator;
  if (auto r = translator.Emit(expr, true); !r) return tl::unexpected(r.error());
  return translator.Take();
}

int BindParams(Statement& stmt, const std::vector<SqlParam>& params, int first) {
  int index = first;
  for (const SqlParam& p : params) {
    switch (p.kind) {
      case SqlParam::Kind::kInt:
        stmt.Bind(index, p.integer);
        break;
      case SqlParam::Kind::kText:
        stmt.Bind(index, std::string_view(p.bytes));
        break;
      case SqlParam::Kind::kBlob:
        stmt.BindBlob(index, p.bytes);
        break;
    }
    ++index;
  }
  return index;
}

}  // namespace custos::store::sqlite
