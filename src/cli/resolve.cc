#include "cli/resolve.h"

#include <fmt/format.h>

#include <charconv>

#include "cli/arguments.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

std::int64_t ParseId(std::string_view arg) {
  std::int64_t id = 0;
  std::from_chars(arg.data(), arg.data() + arg.size(), id);
  return id;
}

Outcome<std::int64_t> IdOf(const json::value& object, std::string_view what) {
  const json::value* id = object.is_object() ? object.get_object().if_contains("id") : nullptr;
  if (id == nullptr || !id->is_int64()) {
    return ServerError("bad_answer", fmt::format("a {} without a numeric id", what));
  }
  return id->get_int64();
}

// Finds `name` in a whole list answer such as {"groups": [...]}.
Outcome<std::int64_t> FindInList(ApiClient& api, std::string_view path, std::string_view key,
                                 std::string_view what, std::string_view name) {
  auto list = api.Get(path);
  if (!list) return tl::unexpected(list.error());
  const json::value* items = list->is_object() ? list->get_object().if_contains(key) : nullptr;
  if (items == nullptr || !items->is_array()) {
    return ServerError("bad_answer", fmt::format("GET {} has no \"{}\" list", path, key));
  }
  for (const json::value& item : items->get_array()) {
    const json::value* n = item.is_object() ? item.get_object().if_contains("name") : nullptr;
    if (n != nullptr && n->is_string() && n->get_string() == name) return IdOf(item, what);
  }
  return ServerError("not_found", fmt::format("no {} named \"{}\"", what, name));
}

}  // namespace

Outcome<std::int64_t> ResolveDevice(ApiClient& api, std::string_view arg) {
  if (IsNumericId(arg)) return ParseId(arg);
  auto page = api.Get("/devices", {{"filter", NameFilter(arg)}, {"limit", "2"}});
  if (!page) return tl::unexpected(page.error());
  const json::value* devices =
      page->is_object() ? page->get_object().if_contains("devices") : nullptr;
  if (devices == nullptr || !devices->is_array()) {
    return ServerError("bad_answer", "GET /devices has no \"devices\" list");
  }
  const json::array& found = devices->get_array();
  if (found.empty()) return ServerError("not_found", fmt::format("no device named \"{}\"", arg));
  // Names are unique, so a second match would be the server's bug; do not guess.
  if (found.size() > 1) {
    return ServerError("bad_answer", fmt::format("more than one device named \"{}\"", arg));
  }
  return IdOf(found.front(), "device");
}

Outcome<std::int64_t> ResolveGroup(ApiClient& api, std::string_view arg) {
  if (IsNumericId(arg)) return ParseId(arg);
  return FindInList(api, "/groups", "groups", "group", arg);
}

Outcome<std::int64_t> ResolveToken(ApiClient& api, std::string_view arg) {
  if (IsNumericId(arg)) return ParseId(arg);
  return FindInList(api, "/tokens", "tokens", "token", arg);
}

}  // namespace custos::cli
