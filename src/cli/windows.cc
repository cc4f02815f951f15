// windows list|get|create|update|delete|attach|detach: maintenance windows
// (docs/remote-operations.md "Maintenance windows").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

Row WindowHeader() {
  return {"ID", "NAME", "CRON", "DURATION S", "TIME ZONE", "OPEN NOW", "NEXT OPENING"};
}

Row WindowRow(const json::object& w) {
  return {Cell(w, "id"),        Cell(w, "name"),     Cell(w, "cron"),        Cell(w, "duration_s"),
          Cell(w, "time_zone"), Cell(w, "open_now"), Cell(w, "next_opening")};
}

Outcome<std::int64_t> WindowId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return UsageError(fmt::format("'{}' is not a maintenance window id", text));
  }
  return id;
}

struct WindowOptions {
  std::string window;  // update: the id
  std::optional<std::string> name;
  std::optional<std::string> cron;
  std::optional<std::int64_t> duration_s;
  std::optional<std::string> time_zone;
  std::optional<std::string> description;
  std::optional<std::int64_t> version;
};

json::object WindowBody(const WindowOptions& o) {
  json::object body;
  if (o.name) body["name"] = *o.name;
  if (o.cron) body["cron"] = *o.cron;
  if (o.duration_s) body["duration_s"] = *o.duration_s;
  if (o.time_zone) body["time_zone"] = *o.time_zone;
  if (o.description) body["description"] = *o.description;
  if (o.version) body["version"] = *o.version;
  return body;
}

Outcome<void> CreateWindow(Context& c, const WindowOptions& o) {
  auto window = c.api.Post("/maintenance-windows", WindowBody(o));
  if (!window) return tl::unexpected(window.error());
  PrintObjectRow(c, *window, WindowHeader(), &WindowRow);
  return {};
}

Outcome<void> UpdateWindow(Context& c, const WindowOptions& o) {
  auto id = WindowId(o.window);
  if (!id) return tl::unexpected(id.error());
  json::object body = WindowBody(o);
  if (body.empty() || (body.size() == 1 && o.version)) {
    return UsageError(
        "nothing to change: give --name, --cron, --duration, --time-zone or --description");
  }
  auto window = c.api.Patch(IdPath("maintenance-windows", *id), body);
  if (!window) return tl::unexpected(window.error());
  PrintObjectRow(c, *window, WindowHeader(), &WindowRow);
  return {};
}

Outcome<void> ListWindows(Context& c, const std::optional<std::string>& group) {
  std::string path = "/maintenance-windows";
  if (group) {
    auto id = ResolveGroup(c.api, *group);
    if (!id) return tl::unexpected(id.error());
    path = IdPath("groups", *id) + "/maintenance-windows";
  }
  auto answer = c.api.Get(path);
  if (!answer) return tl::unexpected(answer.error());
  return PrintList(c, *answer, "maintenance_windows", WindowHeader(), &WindowRow);
}

Outcome<void> GetWindow(Context& c, const std::string& arg) {
  auto id = WindowId(arg);
  if (!id) return tl::unexpected(id.error());
  auto window = c.api.Get(IdPath("maintenance-windows", *id));
  if (!window) return tl::unexpected(window.error());
  PrintObject(c, *window);
  return {};
}

Outcome<void> DeleteWindow(Context& c, const std::string& arg) {
  auto id = WindowId(arg);
  if (!id) return tl::unexpected(id.error());
  auto done = c.api.Delete(IdPath("maintenance-windows", *id));
  if (!done) return tl::unexpected(done.error());
  PrintDone(c, fmt::format("maintenance window {} deleted", *id));
  return {};
}

Outcome<void> Attach(Context& c, const std::string& window, const std::string& group,
                     bool attach) {
  auto id = WindowId(window);
  if (!id) return tl::unexpected(id.error());
  auto group_id = ResolveGroup(c.api, group);
  if (!group_id) return tl::unexpected(group_id.error());
  const std::string path =
      IdPath("groups", *group_id) + "/maintenance-windows/" + std::to_string(*id);
  auto done = attach ? c.api.Put(path, json::object()) : c.api.Delete(path);
  if (!done) return tl::unexpected(done.error());
  PrintDone(c, fmt::format("maintenance window {} {} group {}", *id,
                           attach ? "attached to" : "detached from", *group_id));
  return {};
}

void AddWindowOptions(CLI::App& cmd, WindowOptions& o, bool required) {
  auto* name = cmd.add_option("--name", o.name, "Unique name");
  auto* cron = cmd.add_option(
      "--cron", o.cron, "When it opens: minute hour day-of-month month day-of-week, e.g. \"0 2 * * 1-5\"");
  auto* duration = cmd.add_option("--duration", o.duration_s, "How long it stays open, in seconds")
                       ->check(CLI::Range(std::int64_t{1}, std::int64_t{366} * 86400));
  cmd.add_option("--time-zone", o.time_zone, "IANA time zone (default UTC), e.g. Europe/Berlin");
  cmd.add_option("--description", o.description, "Free text");
  if (required) {
    name->required();
    cron->required();
    duration->required();
  }
}

}  // namespace

void AddWindowCommands(CLI::App& app, Action& chosen) {
  auto* windows = app.add_subcommand("windows", "Maintenance windows of groups and operations");
  windows->require_subcommand(1);
  {
    auto* list = windows->add_subcommand("list", "List maintenance windows");
    auto group = std::make_shared<std::optional<std::string>>();
    list->add_option("--group", *group, "Only those attached to this group (ID or name)");
    list->callback([&chosen, group] { chosen = [group](Context& c) { return ListWindows(c, *group); }; });
  }
  {
    auto* get = windows->add_subcommand("get", "Show one maintenance window");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "Window ID")->required();
    get->callback([&chosen, id] { chosen = [id](Context& c) { return GetWindow(c, *id); }; });
  }
  {
    auto* create = windows->add_subcommand("create", "Create a maintenance window");
    auto o = std::make_shared<WindowOptions>();
    AddWindowOptions(*create, *o, true);
    create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateWindow(c, *o); }; });
  }
  {
    auto* update = windows->add_subcommand("update", "Change a maintenance window");
    auto o = std::make_shared<WindowOptions>();
    update->add_option("id", o->window, "Window ID")->required();
    AddWindowOptions(*update, *o, false);
    update->add_option("--version", o->version, "Only if the window is at this version");
    update->callback([&chosen, o] { chosen = [o](Context& c) { return UpdateWindow(c, *o); }; });
  }
  {
    auto* remove = windows->add_subcommand("delete", "Delete a window attached to no group");
    auto id = std::make_shared<std::string>();
    remove->add_option("id", *id, "Window ID")->required();
    remove->callback([&chosen, id] { chosen = [id](Context& c) { return DeleteWindow(c, *id); }; });
  }
  for (bool attach : {true, false}) {
    auto* cmd = windows->add_subcommand(attach ? "attach" : "detach",
                                        attach ? "Attach a window to a group"
                                               : "Detach a window from a group");
    auto window = std::make_shared<std::string>();
    auto group = std::make_shared<std::string>();
    cmd->add_option("id", *window, "Window ID")->required();
    cmd->add_option("group", *group, "Group ID or name")->required();
    cmd->callback([&chosen, window, group, attach] {
      chosen = [window, group, attach](Context& c) { return Attach(c, *window, *group, attach); };
    });
  }
}

}  // namespace custos::cli
