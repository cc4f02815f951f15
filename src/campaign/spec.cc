#include "campaign/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace custos::campaign {
namespace {

namespace json = boost::json;
using core::ErrorCode;

tl::unexpected<core::Error> Bad(std::string message) {
  return core::MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// Reads an optional integer member in [low, high].
core::Result<std::optional<std::int64_t>> Int(const json::object& o, std::string_view key,
                                              std::string_view where, std::int64_t low,
                                              std::int64_t high) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(high)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    return Bad(fmt::format("{}{} must be an integer", where, key));
  }
  if (n < low || n > high) {
    return Bad(fmt::format("{}{} must be from {} to {}", where, key, low, high));
  }
  return std::optional<std::int64_t>{n};
}

core::Result<std::optional<double>> Number(const json::object& o, std::string_view key,
                                           std::string_view where, double low, double high) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<double>{};
  if (!v->is_number()) return Bad(fmt::format("{}{} must be a number", where, key));
  double d = v->to_number<double>();
  if (!(d >= low && d <= high)) {
    return Bad(fmt::format("{}{} must be from {} to {}", where, key, low, high));
  }
  return std::optional<double>{d};
}

core::Result<const json::object*> Object(const json::object& o, std::string_view key,
                                         bool required) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return Bad(fmt::format("{} is required", key));
    return nullptr;
  }
  if (!v->is_object()) return Bad(fmt::format("{} must be an object", key));
  return &v->as_object();
}

core::Result<void> ParseSelector(const json::object& root, Spec& spec) {
  auto sel = Object(root, "selector", true);
  if (!sel) return tl::unexpected(sel.error());
  const json::object& s = **sel;
  auto group = Int(s, "group", "selector.", 1, INT64_MAX);
  if (!group) return tl::unexpected(group.error());
  spec.selector.group = *group;
  if (const json::value* f = s.if_contains("filter")) {
    if (!f->is_string()) return Bad("selector.filter must be a string");
    spec.selector.filter = std::string(f->as_string());
    if (spec.selector.group) return Bad("selector takes a group or a filter, not both");
    if (auto parsed = core::filter::Parse(spec.selector.filter); !parsed && !spec.selector.filter.empty()) {
      return Bad(fmt::format("selector.filter: {}", parsed.error().message));
    }
  } else if (!spec.selector.group) {
    return Bad("selector needs a group or a filter");
  }
  if (const json::value* c = root.if_contains("continuous")) {
    if (!c->is_bool()) return Bad("continuous must be true or false");
    spec.selector.continuous = c->as_bool();
  }
  return {};
}

core::Result<void> ParseOperation(const json::object& root, Spec& spec) {
  auto op = Object(root, "operation", true);
  if (!op) return tl::unexpected(op.error());
  const json::object& o = **op;
  const json::value* kind = o.if_contains("kind");
  if (!kind || !kind->is_string()) return Bad("operation.kind is required");
  auto parsed = core::ParseOperationKind(kind->as_string());
  if (!parsed) return Bad(fmt::format("operation.kind: unknown kind '{}'",
                                      std::string_view(kind->as_string())));
  spec.operation.kind = *parsed;
  if (const json::value* p = o.if_contains("parameters")) {
    if (!p->is_object()) return Bad("operation.parameters must be an object");
    spec.operation.parameters_json = json::serialize(*p);
  }
  auto timeout = Int(o, "timeout_s", "operation.", 1, 365LL * 24 * 3600);
  if (!timeout) return tl::unexpected(timeout.error());
  if (*timeout) spec.operation.timeout_ms = **timeout * 1000;
  auto battery = Int(o, "battery_threshold", "operation.", 0, 100);
  if (!battery) return tl::unexpected(battery.error());
  if (*battery) spec.operation.battery_threshold = static_cast<int>(**battery);
  if (const json::value* c = o.if_contains("on_conflict")) {
    auto conflict = c->is_string() ? ops::ParseOnConflict(c->as_string()) : std::nullopt;
    if (!conflict) return Bad("operation.on_conflict must be \"wait\" or \"reject\"");
    spec.operation.on_conflict = *conflict;
  }
  if (const json::value* w = root.if_contains("window_ids"); w && !w->is_null()) {
    if (!w->is_array()) return Bad("window_ids must be an array of maintenance window ids");
    for (const json::value& id : w->as_array()) {
      if (!id.is_int64() || id.as_int64() < 1) {
        return Bad("window_ids must be an array of maintenance window ids");
      }
      spec.operation.window_ids.push_back(id.as_int64());
    }
  }
  return {};
}

core::Result<void> ParseRollout(const json::object& root, Spec& spec) {
  auto ro = Object(root, "rollout", false);
  if (!ro) return tl::unexpected(ro.error());
  if (!*ro) return {};
  const json::object& o = **ro;
  constexpr std::int64_t kMax = 10'000'000;
  auto to_int = [](std::optional<std::int64_t> v) {
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  };
  auto size = Int(o, "batch_size", "rollout.", 1, kMax);
  if (!size) return tl::unexpected(size.error());
  auto percent = Number(o, "batch_percent", "rollout.", 0.001, 100);
  if (!percent) return tl::unexpected(percent.error());
  if (*size && *percent) return Bad("rollout takes batch_size or batch_percent, not both");
  auto in_flight = Int(o, "max_in_flight", "rollout.", 1, kMax);
  if (!in_flight) return tl::unexpected(in_flight.error());
  auto rate = Int(o, "rate_per_minute", "rollout.", 1, kMax);
  if (!rate) return tl::unexpected(rate.error());
  auto ramp = Int(o, "ramp_from", "rollout.", 1, kMax);
  if (!ramp) return tl::unexpected(ramp.error());
  spec.rollout = {to_int(*size), *percent, to_int(*in_flight), to_int(*rate), to_int(*ramp)};
  return {};
}

core::Result<void> ParseThresholds(const json::object& root, Spec& spec) {
  auto th = Object(root, "thresholds", false);
  if (!th) return tl::unexpected(th.error());
  if (!*th) return {};
  const json::object& o = **th;
  auto batch_failure = Number(o, "batch_failure_rate", "thresholds.", 0, 1);
  if (!batch_failure) return tl::unexpected(batch_failure.error());
  auto overall = Number(o, "overall_failure_rate", "thresholds.", 0, 1);
  if (!overall) return tl::unexpected(overall.error());
  auto success = Number(o, "batch_success_rate", "thresholds.", 0, 1);
  if (!success) return tl::unexpected(success.error());
  auto min_outcomes = Int(o, "min_outcomes", "thresholds.", 1, 10'000'000);
  if (!min_outcomes) return tl::unexpected(min_outcomes.error());
  spec.thresholds.batch_failure_rate = *batch_failure;
  spec.thresholds.overall_failure_rate = *overall;
  spec.thresholds.batch_success_rate = *success;
  if (*min_outcomes) spec.thresholds.min_outcomes = static_cast<int>(**min_outcomes);
  if (const json::value* a = o.if_contains("action")) {
    if (a->is_string() && a->as_string() == "pause") {
      spec.thresholds.action = ThresholdAction::kPause;
    } else if (a->is_string() && a->as_string() == "abort") {
      spec.thresholds.action = ThresholdAction::kAbort;
    } else {
      return Bad("thresholds.action must be \"pause\" or \"abort\"");
    }
  }
  return {};
}

core::Result<void> ParseOrder(const json::object& root, Spec& spec) {
  const json::value* v = root.if_contains("order_by");
  if (!v || v->is_null()) return {};
  if (!v->is_array()) return Bad("order_by must be an array of filters");
  for (const json::value& f : v->as_array()) {
    if (!f.is_string()) return Bad("order_by must be an array of filters");
    std::string text(f.as_string());
    if (auto parsed = core::filter::Parse(text); !parsed) {
      return Bad(fmt::format("order_by[{}]: {}", spec.order_by.size(), parsed.error().message));
    }
    spec.order_by.push_back(std::move(text));
  }
  return {};
}

}  // namespace

const char* ToString(State state) {
  switch (state) {
    case State::kRunning: return "running";
    case State::kPaused: return "paused";
    case State::kAborted: return "aborted";
    case State::kCompleted: return "completed";
  }
  return "running";
}

std::optional<State> ParseState(std::string_view text) {
  for (State s : {State::kRunning, State::kPaused, State::kAborted, State::kCompleted}) {
    if (text == ToString(s)) return s;
  }
  return std::nullopt;
}

core::Result<Spec> ParseSpec(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Bad(fmt::format("invalid JSON: {}", ec.message()));
  if (!root.is_object()) return Bad("a campaign is a JSON object");
  const json::object& o = root.as_object();
  Spec spec;
  const json::value* name = o.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty() || name->as_string().size() > 200) {
    return Bad("name is required (1 to 200 characters)");
  }
  spec.name = std::string(name->as_string());
  for (auto* step : {&ParseSelector, &ParseOperation, &ParseRollout, &ParseThresholds,
                     &ParseOrder}) {
    if (auto r = step(o, spec); !r) return tl::unexpected(r.error());
  }
  return spec;
}

std::string SpecToJson(const Spec& spec) {
  json::object o;
  o["name"] = spec.name;
  json::object sel;
  if (spec.selector.group) {
    sel["group"] = *spec.selector.group;
  } else {
    sel["filter"] = spec.selector.filter;
  }
  o["selector"] = std::move(sel);
  o["continuous"] = spec.selector.continuous;
  json::object op;
  op["kind"] = core::ToString(spec.operation.kind);
  op["parameters"] = json::parse(spec.operation.parameters_json);
  if (spec.operation.timeout_ms) op["timeout_s"] = *spec.operation.timeout_ms / 1000;
  if (spec.operation.battery_threshold) op["battery_threshold"] = *spec.operation.battery_threshold;
  op["on_conflict"] = spec.operation.on_conflict == ops::OnConflict::kWait ? "wait" : "reject";
  o["operation"] = std::move(op);
  json::array windows;
  for (std::int64_t id : spec.operation.window_ids) windows.emplace_back(id);
  o["window_ids"] = std::move(windows);
  json::object ro;
  const Rollout& r = spec.rollout;
  if (r.batch_size) ro["batch_size"] = *r.batch_size;
  if (r.batch_percent) ro["batch_percent"] = *r.batch_percent;
  if (r.max_in_flight) ro["max_in_flight"] = *r.max_in_flight;
  if (r.rate_per_minute) ro["rate_per_minute"] = *r.rate_per_minute;
  if (r.ramp_from) ro["ramp_from"] = *r.ramp_from;
  o["rollout"] = std::move(ro);
  json::object th;
  const Thresholds& t = spec.thresholds;
  if (t.batch_failure_rate) th["batch_failure_rate"] = *t.batch_failure_rate;
  if (t.overall_failure_rate) th["overall_failure_rate"] = *t.overall_failure_rate;
  if (t.batch_success_rate) th["batch_success_rate"] = *t.batch_success_rate;
  th["min_outcomes"] = t.min_outcomes;
  th["action"] = t.action == ThresholdAction::kPause ? "pause" : "abort";
  o["thresholds"] = std::move(th);
  json::array order;
  for (const std::string& f : spec.order_by) order.emplace_back(f);
  o["order_by"] = std::move(order);
  return json::serialize(o);
}

std::int64_t BatchSize(const Rollout& rollout, int index, std::int64_t total) {
  std::int64_t size = std::max<std::int64_t>(total, 1);
  if (rollout.batch_size) {
    size = *rollout.batch_size;
  } else if (rollout.batch_percent) {
    size = static_cast<std::int64_t>(std::ceil(*rollout.batch_percent * total / 100.0));
  }
  if (rollout.ramp_from) {
    std::int64_t ramp = *rollout.ramp_from;
    for (int i = 0; i < index && ramp < size; ++i) ramp *= 2;
    size = std::min(size, ramp);
  }
  return std::max<std::int64_t>(size, 1);
}

}  // namespace custos::campaign
