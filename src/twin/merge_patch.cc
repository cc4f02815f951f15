// RFC 7386 JSON Merge Patch, and the delta between a desired and a reported document.
#include <boost/json.hpp>

#include "json/json.h"
#include "twin/twin.h"

namespace custos::twin {

namespace json = boost::json;

json::value MergePatch(json::value target, const json::value& patch) {
  const json::object* members = patch.if_object();
  if (members == nullptr) return patch;
  if (!target.is_object()) target = json::object();
  json::object& out = target.as_object();
  for (const auto& [key, value] : *members) {
    if (value.is_null()) {
      out.erase(key);
      continue;
    }
    auto it = out.find(key);
    json::value current = it == out.end() ? json::value() : std::move(it->value());
    out[key] = MergePatch(std::move(current), value);
  }
  return target;
}

json::object Delta(const json::object& desired, const json::object& reported) {
  json::object out;
  for (const auto& [key, want] : desired) {
    const json::value* have = reported.if_contains(key);
    if (have == nullptr) {
      out[key] = want;
    } else if (want.is_object() && have->is_object()) {
      json::object inner = Delta(want.get_object(), have->get_object());
      if (!inner.empty()) out[key] = std::move(inner);
    } else if (want != *have) {
      out[key] = want;
    }
  }
  return out;
}

core::Result<json::object> ParseObject(std::string_view text) {
  auto parsed = custos::json::Parse(text);
  if (!parsed) return tl::unexpected(parsed.error());
  if (!parsed->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "not a JSON object");
  }
  return std::move(parsed->as_object());
}

}  // namespace custos::twin
