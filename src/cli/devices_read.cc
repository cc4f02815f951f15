// devices list, devices get.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

struct ListOptions {
  std::string filter;
  std::string sort;
  std::string cursor;
  std::string group;
  int limit = 0;
  bool all = false;
  bool count = false;
};

// Points at the place in the filter where the server found the error.
Failure WithFilterCaret(Failure failure, const std::string& filter) {
  if (failure.position && !filter.empty() && *failure.position <= filter.size()) {
    const std::size_t column = DisplayWidth(std::string_view(filter).substr(0, *failure.position));
    failure.message += fmt::format("\n  {}\n  {}^", SanitizeCell(filter), std::string(column, ' '));
  }
  return failure;
}

Outcome<void> ListDevices(Context& c, const ListOptions& o) {
  Query query{{"filter", o.filter},
              {"sort", o.sort},
              {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
              {"count", o.count ? "true" : ""},
              {"cursor", o.cursor}};
  if (!o.group.empty()) {
    auto group = ResolveGroup(c.api, o.group);
    if (!group) return tl::unexpected(group.error());
    query.emplace_back("group", std::to_string(*group));
  }
  auto printed =
      PrintPages(c, "/devices", std::move(query), o.all, "devices", DeviceHeader(), &DeviceRow);
  if (!printed) return tl::unexpected(WithFilterCaret(printed.error(), o.filter));
  return {};
}

Outcome<void> GetDevice(Context& c, const std::string& arg) {
  auto id = ResolveDevice(c.api, arg);
  if (!id) return tl::unexpected(id.error());
  auto device = c.api.Get(IdPath("devices", *id));
  if (!device) return tl::unexpected(device.error());
  PrintObject(c, *device);
  return {};
}

}  // namespace

void AddDeviceReadCommands(CLI::App& devices, Action& chosen) {
  auto* list = devices.add_subcommand("list", "List devices, one page or --all");
  auto o = std::make_shared<ListOptions>();
  list->add_option("--filter", o->filter,
                   "Filter expression, e.g. 'manufacturer = \"Acme\" and online = true'");
  list->add_option("--sort", o->sort,
                   "id, name, created_at, updated_at, last_seen, manufacturer, model, "
                   "firmware_version or state; '-' in front for descending");
  list->add_option("--limit", o->limit, "Devices per page (1..1000; server default 100)")
      ->check(CLI::Range(1, 1000));
  list->add_option("--cursor", o->cursor, "Start at this page (a previous next_cursor)");
  list->add_flag("--all", o->all, "Follow the cursors to the last page");
  list->add_option("--group", o->group, "Only members of this group (ID or name)");
  list->add_flag("--count", o->count, "Also print the number of matching devices");
  list->callback([&chosen, o] { chosen = [o](Context& c) { return ListDevices(c, *o); }; });

  auto* get = devices.add_subcommand("get", "Show one device");
  auto device = std::make_shared<std::string>();
  get->add_option("device", *device, "ID or name")->required();
  get->callback(
      [&chosen, device] { chosen = [device](Context& c) { return GetDevice(c, *device); }; });
}

}  // namespace custos::cli
