#include "lwm2m/format/detail/senml.h"

#include <fmt/format.h>

#include <cmath>

#include "lwm2m/format/detail/records.h"

namespace custos::lwm2m::format::detail {
namespace {

std::string Where(const SenmlRecord& record, std::size_t index) {
  if (record.position) return fmt::format("record {} (at byte {})", index, *record.position);
  return fmt::format("record {}", index);
}

// "v" plus the base value: integers stay integers while they fit.
core::Result<Number> AddBase(const Number& v, const std::optional<Number>& bv) {
  if (!bv) return v;
  auto as_double = [](const Number& n) { return std::visit([](auto x) { return double(x); }, n); };
  const auto* vi = std::get_if<std::int64_t>(&v);
  const auto* bi = std::get_if<std::int64_t>(&*bv);
  std::int64_t sum = 0;
  if (vi && bi && !__builtin_add_overflow(*vi, *bi, &sum)) return Number{sum};
  double d = as_double(v) + as_double(*bv);
  if (!std::isfinite(d)) return Invalid("value plus base value is not finite");
  return Number{d};
}

core::Result<Value> TypedValue(const SenmlRecord& r, const std::optional<Number>& bv,
                               std::optional<ResourceType> type, Dialect dialect) {
  const char* string_label = dialect == Dialect::kSenml ? "vs" : "sv";
  const char* bool_label = dialect == Dialect::kSenml ? "vb" : "bv";
  const char* link_label = dialect == Dialect::kSenml ? "vlo" : "ov";
  int count =
      r.v.has_value() + r.vs.has_value() + r.vb.has_value() + r.vd.has_value() + r.vlo.has_value();
  if (count == 0) return Invalid("no value");
  if (count > 1) return Invalid("more than one value");
  auto mismatch = [&](const char* label) {
    return Invalid(fmt::format("\"{}\" for a {} resource", label, ToString(*type)));
  };
  if (type == ResourceType::kNone) return Invalid("a value for a resource with none");
  if (r.v) {
    auto sum = AddBase(*r.v, bv);
    if (!sum) return tl::unexpected(sum.error());
    return TypedNumber(*sum, type);
  }
  if (r.vs) {
    if (!IsUtf8(*r.vs)) return Invalid("string is not UTF-8");
    if (!type || *type == ResourceType::kString) return Value{*r.vs};
    if (*type == ResourceType::kCoreLink) return Value{CoreLink{*r.vs}};
    if (*type == ResourceType::kOpaque && dialect == Dialect::kLwm2mJson) {
      if (auto bytes = Base64Decode(*r.vs)) return Value{std::move(*bytes)};
      return Invalid("\"sv\" of an Opaque resource is not base64");
    }
    return mismatch(string_label);
  }
  if (r.vb) {
    if (type && *type != ResourceType::kBoolean) return mismatch(bool_label);
    return Value{*r.vb};
  }
  if (r.vd) {
    if (type && *type != ResourceType::kOpaque) return mismatch("vd");
    return Value{*r.vd};
  }
  if (type && *type != ResourceType::kObjectLink) return mismatch(link_label);
  if (auto link = ParseObjectLink(*r.vlo)) return Value{*link};
  return Invalid(fmt::format("\"{}\" is not \"oid:iid\"", link_label));
}

// The path `record` names under the latest base name.
core::Result<Path> NameOf(const SenmlRecord& record, const std::optional<std::string>& bn) {
  if (!bn && !record.n) return Invalid("no name");
  std::string name = bn.value_or("") + record.n.value_or("");
  auto path = ParsePath(name);
  if (!path) return Invalid(fmt::format("name '{}' is not an LwM2M path", name));
  return path;
}

// `path` below `prefix` as a relative name ("6/0"), empty when they are equal.
std::string Relative(const Path& path, const Path& prefix) {
  std::string out;
  for (int level = prefix.depth() + 1; level <= path.depth(); ++level) {
    if (!out.empty()) out += '/';
    out += fmt::format("{}", LevelId(path, level));
  }
  return out;
}

std::string WithSlash(const Path& path) { return path.IsRoot() ? "/" : ToString(path) + "/"; }

}  // namespace

core::Result<Records> ResolveSenml(const std::vector<SenmlRecord>& pack, const Path& base,
                                   const TypeResolver& types, Dialect dialect) {
  Records out;
  std::optional<std::string> bn;
  std::optional<double> bt;
  std::optional<Number> bv;
  for (std::size_t i = 0; i < pack.size(); ++i) {
    const SenmlRecord& r = pack[i];
    if (r.bn) bn = r.bn;
    if (r.bt) bt = r.bt;
    if (r.bv) bv = r.bv;
    auto fail = [&](const core::Error& e) {
      return Invalid(fmt::format("{}: {}", Where(r, i), e.message), r.position);
    };
    auto path = NameOf(r, bn);
    if (!path) return fail(path.error());
    if (path->depth() < 3)
      return Invalid(fmt::format("{}: {} is not a resource", Where(r, i), ToString(*path)),
                     r.position);
    auto value = TypedValue(r, bv, TypeAt(types, *path), dialect);
    if (!value) return fail(value.error());
    std::optional<double> time;
    if (bt || r.t) {
      time = bt.value_or(0) + r.t.value_or(0);
      if (!std::isfinite(*time))
        return Invalid(fmt::format("{}: time is not finite", Where(r, i)), r.position);
    }
    out.push_back(Record{*path, std::move(*value), time});
  }
  const char* format = dialect == Dialect::kSenml ? "SenML" : "LwM2M JSON";
  if (auto ok = CheckRecords(out, base, format, true); !ok) return tl::unexpected(ok.error());
  return out;
}

core::Result<std::vector<Path>> ResolveSenmlPaths(const std::vector<SenmlRecord>& pack) {
  std::vector<Path> out;
  std::optional<std::string> bn;
  for (std::size_t i = 0; i < pack.size(); ++i) {
    const SenmlRecord& r = pack[i];
    if (r.bn) bn = r.bn;
    if (r.v || r.vs || r.vb || r.vd || r.vlo || r.t || r.bt || r.bv) {
      return Invalid(fmt::format("{}: a path list carries names only", Where(r, i)), r.position);
    }
    auto path = NameOf(r, bn);
    if (!path) return Invalid(fmt::format("{}: {}", Where(r, i), path.error().message), r.position);
    out.push_back(*path);
  }
  return out;
}

core::Result<std::vector<SenmlRecord>> ToSenml(std::span<const Record> records, const Path& base,
                                               Dialect dialect) {
  const char* format = dialect == Dialect::kSenml ? "SenML" : "LwM2M JSON";
  if (auto ok = CheckRecords(records, base, format, true); !ok) return tl::unexpected(ok.error());
  std::vector<SenmlRecord> pack;
  std::optional<Path> prefix;  // what the current base name says
  for (const Record* record : SortedByPath(records)) {
    SenmlRecord r;
    const Path& path = record->path;
    if (records.size() == 1 && path == base) {
      r.bn = ToString(base);
    } else {
      // LwM2M JSON has one base name for the whole pack; SenML may change it per record.
      bool one_base = base.depth() >= 2 || dialect == Dialect::kLwm2mJson;
      Path want = one_base ? base : Truncate(path, 2);
      if (prefix != want) {
        r.bn = WithSlash(want);
        prefix = want;
      }
      std::string name = Relative(path, want);
      if (!name.empty()) r.n = std::move(name);
    }
    if (auto number = NumberOf(record->value)) {
      r.v = *number;
    } else if (auto* s = std::get_if<std::string>(&record->value)) {
      r.vs = *s;
    } else if (auto* b = std::get_if<bool>(&record->value)) {
      r.vb = *b;
    } else if (auto* o = std::get_if<Opaque>(&record->value)) {
      if (dialect == Dialect::kSenml) {
        r.vd = *o;
      } else {
        r.vs = Base64Encode(*o, false);
      }
    } else if (auto* l = std::get_if<ObjectLink>(&record->value)) {
      r.vlo = FormatObjectLink(*l);
    } else {
      r.vs = std::get<CoreLink>(record->value).text;
    }
    if (auto* d = std::get_if<double>(&record->value); d && !std::isfinite(*d)) {
      return Invalid(fmt::format("{}: Float at {} is not finite", format, ToString(path)));
    }
    r.t = record->time;
    pack.push_back(std::move(r));
  }
  return pack;
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendJsonNumber(std::string& out, const Number& number) {
  if (const auto* d = std::get_if<double>(&number)) {
    std::string text = FormatFloat(*d);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    out += text;
    return;
  }
  std::visit([&](auto n) { out += fmt::format("{}", n); }, number);
}

void AppendJsonTime(std::string& out, double seconds) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (seconds == std::trunc(seconds) && std::fabs(seconds) < kExact) {
    out += fmt::format("{}", static_cast<std::int64_t>(seconds));
  } else {
    out += FormatFloat(seconds);
  }
}

}  // namespace custos::lwm2m::format::detail
