// Evaluation of a parsed filter against one device. An absent label or unset optional field
// (battery_level, signal_strength, free_memory; last_seen 0, "never seen") has no value: every
// comparison with it is false except `!=` and `not in`, which are true.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/filter.h"

namespace custos::core::filter {
namespace {

// A device's value of a field, viewed in place (no copies: a filter may run over every
// device of a fleet); nullopt when it has none.
using View = std::variant<std::string_view, std::int64_t, bool>;
using FieldValue = std::optional<View>;

template <class T>
FieldValue Optional(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return View{static_cast<std::int64_t>(*v)};
}

FieldValue Text(const std::string& s) { return View{std::string_view(s)}; }
FieldValue Integer(std::int64_t i) { return View{i}; }

FieldValue Lookup(const Field& field, const Device& d) {
  if (field.is_label) {
    auto it = d.labels.find(field.label_key);
    if (it == d.labels.end()) return std::nullopt;
    return Text(it->second);
  }
  const std::string& n = field.name;
  if (n == "id") return Integer(d.id);
  if (n == "name") return Text(d.name);
  if (n == "protocol") return Text(d.protocol);
  if (n == "manufacturer") return Text(d.identity.manufacturer);
  if (n == "model") return Text(d.identity.model);
  if (n == "serial") return Text(d.identity.serial);
  if (n == "address") return Text(d.connectivity.address);
  if (n == "transport") return Text(d.connectivity.transport);
  if (n == "power_source") return Text(d.health.power_source);
  if (n == "hardware_version") return Text(d.identity.hardware_version);
  if (n == "firmware_version") return Text(d.identity.firmware_version);
  if (n == "software_version") return Text(d.identity.software_version);
  if (n == "state") return View{std::string_view(core::ToString(d.state))};
  if (n == "online") return View{d.connectivity.online};
  if (n == "queue_mode") return View{d.connectivity.queue_mode};
  if (n == "battery_level") return Optional(d.health.battery_level);
  if (n == "signal_strength") return Optional(d.health.signal_strength);
  if (n == "free_memory") return Optional(d.health.free_memory);
  if (n == "lifetime") return Integer(d.connectivity.lifetime_s);
  if (n == "last_seen") {
    if (d.connectivity.last_seen == 0) return std::nullopt;
    return Integer(d.connectivity.last_seen);
  }
  if (n == "created_at") return Integer(d.created_at);
  if (n == "updated_at") return Integer(d.updated_at);
  return std::nullopt;
}

// <0, 0, >0 between a device's value and a literal of the same field type (both hold the
// same alternative after type checking; the index order settles anything else).
int Compare(FieldType type, const View& have, const Value& want) {
  if (have.index() != want.index()) return have.index() < want.index() ? -1 : 1;
  if (const auto* s = std::get_if<std::string_view>(&have)) {
    const std::string& w = std::get<std::string>(want);
    if (type == FieldType::kVersion) return CompareVersions(*s, w);
    const int c = s->compare(w);
    return (c > 0) - (c < 0);
  }
  if (const auto* i = std::get_if<std::int64_t>(&have)) {
    const std::int64_t w = std::get<std::int64_t>(want);
    return (*i > w) - (*i < w);
  }
  return static_cast<int>(std::get<bool>(have)) - static_cast<int>(std::get<bool>(want));
}

bool MatchesComparison(const Comparison& c, const Device& d) {
  const FieldValue have = Lookup(c.field, d);
  if (c.op == Op::kExists) return have.has_value();
  if (!have) return c.op == Op::kNe || c.op == Op::kNotIn;
  if (c.values.empty()) return false;
  const Value& first = c.values.front();
  switch (c.op) {
    case Op::kEq:
      return Compare(c.field.type, *have, first) == 0;
    case Op::kNe:
      return Compare(c.field.type, *have, first) != 0;
    case Op::kLt:
      return Compare(c.field.type, *have, first) < 0;
    case Op::kLe:
      return Compare(c.field.type, *have, first) <= 0;
    case Op::kGt:
      return Compare(c.field.type, *have, first) > 0;
    case Op::kGe:
      return Compare(c.field.type, *have, first) >= 0;
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      for (const Value& v : c.values) {
        if (Compare(c.field.type, *have, v) == 0) {
          found = true;
          break;
        }
      }
      return found == (c.op == Op::kIn);
    }
    case Op::kMatch: {
      const auto* text = std::get_if<std::string_view>(&*have);
      const auto* glob = std::get_if<std::string>(&first);
      return text != nullptr && glob != nullptr && GlobMatch(*glob, *text);
    }
    case Op::kExists:
      break;
  }
  return false;
}

}  // namespace

bool Matches(const Expr& expr, const Device& device) {
  switch (expr.kind) {
    case Expr::Kind::kAnd:
      for (const Expr& child : expr.children) {
        if (!Matches(child, device)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& child : expr.children) {
        if (Matches(child, device)) return true;
      }
      return false;
    case Expr::Kind::kNot:
      return !expr.children.empty() && !Matches(expr.children.front(), device);
    case Expr::Kind::kCompare:
      return MatchesComparison(expr.comparison, device);
  }
  return false;
}

}  // namespace custos::core::filter
