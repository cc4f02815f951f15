// campaigns create|list|get|devices|pause|resume|abort|watch: staged campaigns
// (docs/remote-operations.md, "Campaigns").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

Row CampaignHeader() { return {"ID", "NAME", "STATE", "TOTAL", "BATCHES", "COUNTS", "UPDATED"}; }

// "succeeded 40, failed 2, queued 58".
std::string CountsText(const json::object& campaign) {
  std::string out;
  const json::value* counts = campaign.if_contains("counts");
  if (counts == nullptr || !counts->is_object()) return out;
  for (const auto& [outcome, n] : counts->as_object()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", std::string_view(outcome), json::serialize(n));
  }
  return out;
}

Row CampaignRow(const json::object& c) {
  return {Cell(c, "id"),    Cell(c, "name"),         Cell(c, "state"),     Cell(c, "total"),
          Cell(c, "batches_started"), CountsText(c), Cell(c, "updated_at")};
}

Row MemberHeader() { return {"DEVICE", "STAGE", "BATCH", "OPERATION", "OUTCOME", "UPDATED"}; }

Row MemberRow(const json::object& m) {
  return {Cell(m, "device_id"),    Cell(m, "stage"),   Cell(m, "batch"),
          Cell(m, "operation_id"), Cell(m, "outcome"), Cell(m, "updated_at")};
}

Outcome<std::int64_t> CampaignId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return UsageError(fmt::format("'{}' is not a campaign id", text));
  }
  return id;
}

struct CreateOptions {
  std::optional<std::string> spec;  // JSON text, or @FILE
  std::string name;
  std::optional<std::string> group;
  std::optional<std::string> filter;
  bool continuous = false;
  std::string kind;
  std::optional<std::string> parameters;
  std::optional<int> timeout_s;
  std::optional<int> battery_threshold;
  std::optional<std::string> on_conflict;
  std::optional<int> batch_size;
  std::optional<double> batch_percent;
  std::optional<int> max_in_flight;
  std::optional<int> rate_per_minute;
  std::optional<int> ramp_from;
  std::optional<double> batch_failure_rate;
  std::optional<double> overall_failure_rate;
  std::optional<double> batch_success_rate;
  std::optional<int> min_outcomes;
  std::optional<std::string> action;
  std::vector<std::string> order_by;
  std::vector<std::int64_t> window_ids;
};

Outcome<json::object> SpecFromOptions(Context& c, const CreateOptions& o) {
  if (o.spec) {
    std::string text = *o.spec;
    if (!text.empty() && text[0] == '@') {
      std::ifstream file(text.substr(1));
      if (!file) return UsageError(fmt::format("cannot read {}", text.substr(1)));
      std::stringstream buffer;
      buffer << file.rdbuf();
      text = buffer.str();
    }
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return UsageError("--spec must be a JSON object (or @FILE)");
    return v.as_object();
  }
  if (o.name.empty() || o.kind.empty()) {
    return UsageError("give --name and --kind (or the whole campaign with --spec)");
  }
  if (o.group.has_value() == o.filter.has_value()) {
    return UsageError("select the devices with --group ID or --filter EXPR: give one of them");
  }
  json::object selector;
  if (o.group) {
    auto id = ResolveGroup(c.api, *o.group);
    if (!id) return tl::unexpected(id.error());
    selector["group"] = *id;
  } else {
    selector["filter"] = *o.filter;
  }
  json::object operation{{"kind", o.kind}};
  if (o.parameters) {
    boost::system::error_code ec;
    json::value v = json::parse(*o.parameters, ec);
    if (ec || !v.is_object()) return UsageError("--parameters must be a JSON object");
    operation["parameters"] = v;
  }
  if (o.timeout_s) operation["timeout_s"] = *o.timeout_s;
  if (o.battery_threshold) operation["battery_threshold"] = *o.battery_threshold;
  if (o.on_conflict) operation["on_conflict"] = *o.on_conflict;
  json::object rollout;
  if (o.batch_size) rollout["batch_size"] = *o.batch_size;
  if (o.batch_percent) rollout["batch_percent"] = *o.batch_percent;
  if (o.max_in_flight) rollout["max_in_flight"] = *o.max_in_flight;
  if (o.rate_per_minute) rollout["rate_per_minute"] = *o.rate_per_minute;
  if (o.ramp_from) rollout["ramp_from"] = *o.ramp_from;
  json::object thresholds;
  if (o.batch_failure_rate) thresholds["batch_failure_rate"] = *o.batch_failure_rate;
  if (o.overall_failure_rate) thresholds["overall_failure_rate"] = *o.overall_failure_rate;
  if (o.batch_success_rate) thresholds["batch_success_rate"] = *o.batch_success_rate;
  if (o.min_outcomes) thresholds["min_outcomes"] = *o.min_outcomes;
  if (o.action) thresholds["action"] = *o.action;
  json::array order;
  for (const std::string& f : o.order_by) order.emplace_back(f);
  json::object spec{{"name", o.name},         {"selector", std::move(selector)},
                    {"continuous", o.continuous}, {"operation", std::move(operation)},
                    {"rollout", std::move(rollout)}, {"thresholds", std::move(thresholds)},
                    {"order_by", std::move(order)}};
  if (!o.window_ids.empty()) {
    json::array windows;
    for (std::int64_t id : o.window_ids) windows.emplace_back(id);
    spec["window_ids"] = std::move(windows);
  }
  return spec;
}

Outcome<void> CreateCampaign(Context& c, const CreateOptions& o) {
  auto spec = SpecFromOptions(c, o);
  if (!spec) return tl::unexpected(spec.error());
  auto created = c.api.Post("/campaigns", *spec);
  if (!created) return tl::unexpected(created.error());
  PrintObjectRow(c, *created, CampaignHeader(), &CampaignRow);
  return {};
}

Outcome<void> ControlCampaign(Context& c, const std::string& arg, std::string_view action) {
  auto id = CampaignId(arg);
  if (!id) return tl::unexpected(id.error());
  auto answer = c.api.Post(IdPath("campaigns", *id) + "/" + std::string(action), json::object());
  if (!answer) return tl::unexpected(answer.error());
  PrintObjectRow(c, *answer, CampaignHeader(), &CampaignRow);
  return {};
}

Outcome<void> GetCampaign(Context& c, const std::string& arg) {
  auto id = CampaignId(arg);
  if (!id) return tl::unexpected(id.error());
  auto answer = c.api.Get(IdPath("campaigns", *id));
  if (!answer) return tl::unexpected(answer.error());
  PrintObject(c, *answer);
  return {};
}

struct WatchOptions {
  std::string id;
  double interval_s = 2;
  bool once = false;
};

// Polls the campaign and prints a line whenever its state or counts change, until it is
// aborted or completed (or at once with --once).
Outcome<void> WatchCampaign(Context& c, const WatchOptions& o) {
  auto id = CampaignId(o.id);
  if (!id) return tl::unexpected(id.error());
  std::string last;
  while (true) {
    auto answer = c.api.Get(IdPath("campaigns", *id));
    if (!answer) return tl::unexpected(answer.error());
    const json::object& campaign = answer->as_object();
    const std::string state(campaign.at("state").as_string());
    std::string line;
    if (c.Json()) {
      json::object brief{{"id", campaign.at("id")},
                         {"state", campaign.at("state")},
                         {"total", campaign.at("total")},
                         {"batches_started", campaign.at("batches_started")},
                         {"counts", campaign.at("counts")}};
      line = json::serialize(brief);
    } else {
      line = fmt::format("{} {} total {} batches {}: {}", Cell(campaign, "updated_at"), state,
                         Cell(campaign, "total"), Cell(campaign, "batches_started"),
                         CountsText(campaign));
    }
    if (line != last) {
      c.io.out << line << "\n" << std::flush;
      last = line;
    }
    if (o.once || state == "aborted" || state == "completed") return {};
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<std::int64_t>(o.interval_s * 1000)));
  }
}

}  // namespace

void AddCampaignCommands(CLI::App& app, Action& chosen) {
  auto* campaigns = app.add_subcommand("campaigns", "Staged campaigns over many devices");
  campaigns->require_subcommand(1);
  {
    auto* create = campaigns->add_subcommand("create", "Start a campaign");
    auto o = std::make_shared<CreateOptions>();
    create->add_option("--spec", o->spec, "The whole campaign as JSON, or @FILE");
    create->add_option("--name", o->name, "Its name");
    create->add_option("--group", o->group, "The devices of this group (ID or name)");
    create->add_option("--filter", o->filter, "The devices this filter selects");
    create->add_flag("--continuous", o->continuous, "Devices that match later join");
    create->add_option("--kind", o->kind, "The operation: reboot, firmware_update, ...");
    create->add_option("--parameters", o->parameters, "The operation's parameters (JSON)");
    create->add_option("--timeout", o->timeout_s, "Each operation's timeout in seconds");
    create->add_option("--battery-threshold", o->battery_threshold,
                       "firmware_update: battery percentage to wait for")
        ->check(CLI::Range(0, 100));
    create->add_option("--on-conflict", o->on_conflict, "wait (default) or reject")
        ->check(CLI::IsMember({"wait", "reject"}));
    create->add_option("--batch-size", o->batch_size, "Devices per batch");
    create->add_option("--batch-percent", o->batch_percent, "Devices per batch, in percent");
    create->add_option("--max-in-flight", o->max_in_flight, "Unfinished operations at most");
    create->add_option("--rate", o->rate_per_minute, "Operations created per minute at most");
    create->add_option("--ramp-from", o->ramp_from, "First batch size, doubling each batch");
    create->add_option("--batch-failure-rate", o->batch_failure_rate,
                       "Stop when a batch's failures exceed this share (0..1)");
    create->add_option("--failure-rate", o->overall_failure_rate,
                       "Stop when all failures exceed this share of final operations (0..1)");
    create->add_option("--batch-success-rate", o->batch_success_rate,
                       "Stop when a finished batch succeeded less (0..1)");
    create->add_option("--min-outcomes", o->min_outcomes,
                       "Final operations before the overall rate counts (default 10)");
    create->add_option("--on-threshold", o->action, "pause (default) or abort")
        ->check(CLI::IsMember({"pause", "abort"}));
    create->add_option("--order-by", o->order_by,
                       "A stage as a filter, in order; repeat (the rest go last)");
    create->add_option("--window", o->window_ids,
                       "A maintenance window id the campaign's operations wait for; repeat");
    create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateCampaign(c, *o); }; });
  }
  {
    auto* list = campaigns->add_subcommand("list", "List campaigns");
    auto all = std::make_shared<bool>(false);
    list->add_flag("--all", *all, "Follow the cursors to the last page");
    list->callback([&chosen, all] {
      chosen = [all](Context& c) {
        return PrintPages(c, "/campaigns", {}, *all, "campaigns", CampaignHeader(),
                          &CampaignRow);
      };
    });
  }
  {
    auto* get = campaigns->add_subcommand("get", "Show a campaign with its timeline");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "Campaign ID")->required();
    get->callback([&chosen, id] { chosen = [id](Context& c) { return GetCampaign(c, *id); }; });
  }
  {
    auto* devices = campaigns->add_subcommand("devices", "A campaign's devices and outcomes");
    auto id = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    devices->add_option("id", *id, "Campaign ID")->required();
    devices->add_flag("--all", *all, "Follow the cursors to the last page");
    devices->callback([&chosen, id, all] {
      chosen = [id, all](Context& c) -> Outcome<void> {
        auto campaign = CampaignId(*id);
        if (!campaign) return tl::unexpected(campaign.error());
        return PrintPages(c, IdPath("campaigns", *campaign) + "/devices", {}, *all, "devices",
                          MemberHeader(), &MemberRow);
      };
    });
  }
  for (const char* action : {"pause", "resume", "abort"}) {
    auto* cmd = campaigns->add_subcommand(
        action, std::string(action) == "pause"    ? "Stop admitting devices"
                : std::string(action) == "resume" ? "Admit devices again"
                                                  : "Stop for good and cancel what is unfinished");
    auto id = std::make_shared<std::string>();
    cmd->add_option("id", *id, "Campaign ID")->required();
    cmd->callback([&chosen, id, action] {
      chosen = [id, action](Context& c) { return ControlCampaign(c, *id, action); };
    });
  }
  {
    auto* watch = campaigns->add_subcommand("watch", "Follow a campaign's progress live");
    auto o = std::make_shared<WatchOptions>();
    watch->add_option("id", o->id, "Campaign ID")->required();
    watch->add_option("--interval", o->interval_s, "Seconds between looks (default 2)")
        ->check(CLI::Range(0.1, 3600.0));
    watch->add_flag("--once", o->once, "Print the progress once and stop");
    watch->callback([&chosen, o] { chosen = [o](Context& c) { return WatchCampaign(c, *o); }; });
  }
}

}  // namespace custos::cli
