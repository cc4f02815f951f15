// What a campaign is asked to do: selector, operation template, rollout, thresholds and
// stages, with its JSON form (the REST body and the stored definition).
// Include campaign/campaign.h, not this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "ops/ops.h"

namespace custos::campaign {

enum class State { kRunning, kPaused, kAborted, kCompleted };
const char* ToString(State state);  // "running", "paused", "aborted", "completed"
std::optional<State> ParseState(std::string_view text);

enum class ThresholdAction { kPause, kAbort };

struct Selector {
  std::optional<core::GroupId> group;  // a group's members (static or dynamic)
  std::string filter;                  // else devices matching this filter ("" = every one)
  bool continuous = false;             // devices that match later join the campaign
};

struct OperationTemplate {
  core::OperationKind kind = core::OperationKind::kReboot;
  std::string parameters_json = "{}";
  std::optional<std::int64_t> timeout_ms;
  std::optional<int> battery_threshold;
  ops::OnConflict on_conflict = ops::OnConflict::kWait;
  // The campaign's own maintenance windows: its operations are delivered only while one of
  // them is open (besides the windows of the devices' groups).
  std::vector<std::int64_t> window_ids;
};

// Unset members do not limit.
struct Rollout {
  std::optional<int> batch_size;
  std::optional<double> batch_percent;  // of the campaign's devices when a batch starts
  std::optional<int> max_in_flight;     // operations of the campaign not final at once
  std::optional<int> rate_per_minute;   // operations created per minute
  std::optional<int> ramp_from;         // batch k holds ramp_from * 2^k (at most the batch size)
};

// Rates are fractions (0..1). A failure is an operation that ended failed, timed_out or
// rejected.
struct Thresholds {
  std::optional<double> batch_failure_rate;    // failures / batch size above this trips
  std::optional<double> overall_failure_rate;  // failures / final above this trips
  std::optional<double> batch_success_rate;    // a finished batch below this trips
  int min_outcomes = 10;  // the overall rate is judged from this many final operations on
  ThresholdAction action = ThresholdAction::kPause;
};

struct Spec {
  std::string name;
  Selector selector;
  OperationTemplate operation;
  Rollout rollout;
  Thresholds thresholds;
  // Dependency order: a device belongs to the stage of the first filter it matches, or to
  // the stage after them all; a stage starts when every device of earlier stages is final.
  std::vector<std::string> order_by;
};

// Parses and checks the JSON form; kInvalidArgument naming the member at fault.
core::Result<Spec> ParseSpec(std::string_view json);
std::string SpecToJson(const Spec& spec);

// The size of batch `index` (0-based) for a campaign of `total` devices (at least 1).
std::int64_t BatchSize(const Rollout& rollout, int index, std::int64_t total);

}  // namespace custos::campaign
