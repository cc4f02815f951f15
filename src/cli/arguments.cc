#include "cli/arguments.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

namespace custos::cli {
namespace json = boost::json;

Outcome<json::object> ParseLabels(const std::vector<std::string>& pairs) {
  json::object labels;
  for (const std::string& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(fmt::format("--label {}: expected KEY=VALUE", pair));
    }
    labels[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return labels;
}

Outcome<json::object> ParseJsonObject(std::string_view text, std::string_view option) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return UsageError(fmt::format("{}: not JSON: {}", option, ec.message()));
  if (!v.is_object()) return UsageError(fmt::format("{}: must be a JSON object", option));
  return std::move(v.as_object());
}

bool IsNumericId(std::string_view arg) {
  if (arg.empty() || arg.size() > 18) return false;
  for (char c : arg) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string NameFilter(std::string_view name) {
  std::string filter = "name = \"";
  for (char c : name) {
    if (c == '"' || c == '\\') filter += '\\';
    filter += c;
  }
  filter += '"';
  return filter;
}

}  // namespace custos::cli
