// operations create|bulk|list|get|cancel: remote operations (docs/remote-operations.md).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

Row OperationHeader() {
  return {"ID", "DEVICE", "KIND", "STATE", "WAITING FOR", "ATTEMPTS", "UPDATED"};
}

Row OperationRow(const json::object& op) {
  return {Cell(op, "id"),          Cell(op, "device_id"), Cell(op, "kind"),      Cell(op, "state"),
          Cell(op, "waiting_for"), Cell(op, "attempts"),  Cell(op, "updated_at")};
}

// "90", "90s", "10m", "2h", "1d" as seconds; nullopt for anything else.
std::optional<std::int64_t> ParseDurationSeconds(std::string_view text) {
  std::int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        unit = 0;
        break;
    }
    if (unit != 0) {
      text.remove_suffix(1);
    } else {
      unit = 1;
    }
  }
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n <= 0 ||
      n > 366LL * 86400 / unit) {
    return std::nullopt;
  }
  return n * unit;
}

// A --param value: JSON when it reads as JSON (10, true, {"a":1}), else text.
json::value ParamValue(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::value(text);
  return v;
}

struct CreateOptions {
  std::string device;
  std::string kind;
  std::vector<std::string> params;
  std::optional<std::string> parameters;
  std::optional<std::string> on_conflict;
  std::optional<std::string> timeout;
  std::optional<std::string> schedule_at;
  std::optional<int> battery_threshold;
  std::vector<std::int64_t> window_ids;
  bool ignore_windows = false;
  // bulk only
  std::optional<std::string> group;
  std::optional<std::string> filter;
  bool dry_run = false;
};

// The body of POST /devices/{id}/operations (and the "operation" of a bulk request).
Outcome<json::object> OperationBody(const CreateOptions& o) {
  json::object parameters;
  if (o.parameters) {
    boost::system::error_code ec;
    json::value v = json::parse(*o.parameters, ec);
    if (ec || !v.is_object()) return UsageError("--parameters must be a JSON object");
    parameters = v.as_object();
  }
  for (const std::string& p : o.params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(fmt::format("--param '{}': expected KEY=VALUE", p));
    }
    parameters[p.substr(0, eq)] = ParamValue(p.substr(eq + 1));
  }
  json::object body{{"kind", o.kind}, {"parameters", std::move(parameters)}};
  if (o.on_conflict) body["on_conflict"] = *o.on_conflict;
  if (o.timeout) {
    auto seconds = ParseDurationSeconds(*o.timeout);
    if (!seconds) {
      return UsageError(
          fmt::format("--timeout '{}': expected a duration such as 90s, 10m, 2h", *o.timeout));
    }
    body["timeout_s"] = *seconds;
  }
  if (o.schedule_at) body["schedule_at"] = *o.schedule_at;
  if (o.battery_threshold) body["battery_threshold"] = *o.battery_threshold;
  if (!o.window_ids.empty()) {
    json::array ids;
    for (std::int64_t id : o.window_ids) ids.emplace_back(id);
    body["window_ids"] = std::move(ids);
  }
  if (o.ignore_windows) body["ignore_maintenance_windows"] = true;
  return body;
}

Outcome<void> CreateOperation(Context& c, const CreateOptions& o) {
  auto body = OperationBody(o);
  if (!body) return tl::unexpected(body.error());
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  auto op = c.api.Post(IdPath("devices", *id) + "/operations", *body);
  if (!op) return tl::unexpected(op.error());
  PrintObjectRow(c, *op, OperationHeader(), &OperationRow);
  return {};
}

Outcome<void> CreateBulk(Context& c, const CreateOptions& o) {
  if (o.group.has_value() == o.filter.has_value()) {
    return UsageError("select the devices with --group ID or --filter EXPR: give one of them");
  }
  auto operation = OperationBody(o);
  if (!operation) return tl::unexpected(operation.error());
  json::object selector;
  if (o.group) {
    auto id = ResolveGroup(c.api, *o.group);
    if (!id) return tl::unexpected(id.error());
    selector["group"] = *id;
  } else {
    selector["filter"] = *o.filter;
  }
  json::object body{{"selector", std::move(selector)}, {"operation", std::move(*operation)}};
  if (o.dry_run) body["dry_run"] = true;
  auto answer = c.api.Post("/operations/bulk", body);
  if (!answer) return tl::unexpected(answer.error());
  PrintObject(c, *answer);
  return {};
}

struct ListOptions {
  std::optional<std::string> device;
  std::string state;
  std::string kind;
  std::string cursor;
  int limit = 0;
  bool all = false;
};

Outcome<void> ListOperations(Context& c, const ListOptions& o) {
  Query query{{"state", o.state},
              {"kind", o.kind},
              {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
              {"cursor", o.cursor}};
  if (o.device) {
    auto id = ResolveDevice(c.api, *o.device);
    if (!id) return tl::unexpected(id.error());
    query.emplace_back("device", std::to_string(*id));
  }
  return PrintPages(c, "/operations", std::move(query), o.all, "operations", OperationHeader(),
                    &OperationRow);
}

Outcome<std::int64_t> OperationId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return UsageError(fmt::format("'{}' is not an operation id", text));
  }
  return id;
}

Outcome<void> GetOperation(Context& c, const std::string& arg) {
  auto id = OperationId(arg);
  if (!id) return tl::unexpected(id.error());
  auto op = c.api.Get(IdPath("operations", *id));
  if (!op) return tl::unexpected(op.error());
  PrintObject(c, *op);
  return {};
}

Outcome<void> CancelOperation(Context& c, const std::string& arg) {
  auto id = OperationId(arg);
  if (!id) return tl::unexpected(id.error());
  auto op = c.api.Post(IdPath("operations", *id) + "/cancel", json::object());
  if (!op) return tl::unexpected(op.error());
  PrintObjectRow(c, *op, OperationHeader(), &OperationRow);
  return {};
}

void AddRequestOptions(CLI::App& cmd, CreateOptions& o) {
  cmd.add_option("--param", o.params,
                 "KEY=VALUE parameter (VALUE as JSON when it reads as JSON); repeat");
  cmd.add_option("--parameters", o.parameters, "All parameters as one JSON object");
  cmd.add_option("--on-conflict", o.on_conflict,
                 "Behind another disruptive operation: wait (default) or reject")
      ->check(CLI::IsMember({"wait", "reject"}));
  cmd.add_option("--timeout", o.timeout, "Deadline from now: 90s, 10m, 2h, 1d");
  cmd.add_option("--schedule-at", o.schedule_at, "Not before this RFC 3339 time");
  cmd.add_option("--battery-threshold", o.battery_threshold,
                 "firmware_update: battery percentage to wait for")
      ->check(CLI::Range(0, 100));
  cmd.add_option("--window", o.window_ids,
                 "Deliver only inside this maintenance window (ID); repeat");
  cmd.add_flag("--ignore-windows", o.ignore_windows,
               "No maintenance window holds it (admin tokens only)");
}

}  // namespace

void AddOperationCommands(CLI::App& app, Action& chosen) {
  auto* operations = app.add_subcommand("operations", "Remote operations on devices");
  operations->require_subcommand(1);
  {
    auto* create = operations->add_subcommand("create", "Ask a device to do something");
    auto o = std::make_shared<CreateOptions>();
    create->add_option("device", o->device, "Device ID or name")->required();
    create
        ->add_option("kind", o->kind,
                     "reboot, factory_reset, enable, disable, firmware_update, configure, "
                     "read, write, execute or custom")
        ->required();
    AddRequestOptions(*create, *o);
    create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateOperation(c, *o); }; });
  }
  {
    auto* bulk = operations->add_subcommand(
        "bulk", "The same operation for every device of a group or a filter");
    auto o = std::make_shared<CreateOptions>();
    bulk->add_option("--group", o->group, "The devices of this group (ID or name)");
    bulk->add_option("--filter", o->filter, "The devices this filter selects");
    bulk
        ->add_option("--kind", o->kind,
                     "reboot, factory_reset, enable, disable, firmware_update, configure, "
                     "read, write, execute or custom")
        ->required();
    bulk->add_flag("--dry-run", o->dry_run, "Only count what would be created and skipped");
    AddRequestOptions(*bulk, *o);
    bulk->callback([&chosen, o] { chosen = [o](Context& c) { return CreateBulk(c, *o); }; });
  }
  {
    auto* list = operations->add_subcommand("list", "List operations, oldest first");
    auto o = std::make_shared<ListOptions>();
    list->add_option("--device", o->device, "Only this device's (ID or name)");
    list->add_option("--state", o->state, "Only in this state (pending, waiting, sent, ...)");
    list->add_option("--kind", o->kind, "Only of this kind");
    list->add_option("--limit", o->limit, "Operations per page (1..1000)")
        ->check(CLI::Range(1, 1000));
    list->add_option("--cursor", o->cursor, "Start at this page");
    list->add_flag("--all", o->all, "Follow the cursors to the last page");
    list->callback([&chosen, o] { chosen = [o](Context& c) { return ListOperations(c, *o); }; });
  }
  {
    auto* get = operations->add_subcommand("get", "Show one operation");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "Operation ID")->required();
    get->callback([&chosen, id] { chosen = [id](Context& c) { return GetOperation(c, *id); }; });
  }
  {
    auto* cancel = operations->add_subcommand("cancel", "Cancel an operation not yet finished");
    auto id = std::make_shared<std::string>();
    cancel->add_option("id", *id, "Operation ID")->required();
    cancel->callback(
        [&chosen, id] { chosen = [id](Context& c) { return CancelOperation(c, *id); }; });
  }
}

}  // namespace custos::cli
