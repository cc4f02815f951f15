// The vocabulary of remote operations, shared by every protocol adapter. The engine that runs
// them (queues, guards, schedules, campaigns) builds on these types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

enum class OperationKind {
  kReboot, kFactoryReset, kEnable, kDisable, kFirmwareUpdate, kConfigure,
  kRead, kWrite, kExecute, kCustom,
};
const char* ToString(OperationKind k);  // "reboot", "factory_reset", ..., "custom"
std::optional<OperationKind> ParseOperationKind(std::string_view s);

// pending -> scheduled|waiting -> sent -> in_progress ->
//   succeeded | failed | timed_out | cancelled | rejected
enum class OperationState {
  kPending, kScheduled, kWaiting, kSent, kInProgress,
  kSucceeded, kFailed, kTimedOut, kCancelled, kRejected,
};
const char* ToString(OperationState s);
std::optional<OperationState> ParseOperationState(std::string_view s);
bool IsFinal(OperationState s);

struct Operation {
  std::int64_t id = 0;
  DeviceId device_id = 0;
  OperationKind kind = OperationKind::kReboot;
  std::string parameters_json = "{}";
  std::string requested_by;
  OperationState state = OperationState::kPending;
  int attempts = 0;
  std::optional<TimeMs> deadline;
  std::string result_json = "{}";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // While waiting: the guard it waits for ("exclusive_lock", "battery", "offline"); else "".
  std::string waiting_for;
  // Not delivered before this time (the request's schedule_at).
  std::optional<TimeMs> schedule_at;
  // While sent and not yet taken by the device (or its session): when delivery is tried
  // again. Unset once the adapter reports the operation delivered.
  std::optional<TimeMs> next_attempt_at;
  // firmware_update: the battery percentage it waits for (unset: the engine's default).
  std::optional<int> battery_threshold;
  std::optional<std::int64_t> campaign_id;  // the campaign that made it, if any
  // Maintenance windows the operation names itself (core/maintenance_window.h), besides those
  // of its device's groups; the maintenance_window guard holds it outside all of them.
  std::vector<std::int64_t> window_ids;
  // Asked by an admin: no maintenance window holds this operation.
  bool ignore_maintenance_windows = false;
};

// A page of operations, oldest first (by id). Unset members do not filter.
struct OperationQuery {
  std::optional<DeviceId> device_id;
  std::optional<OperationState> state;
  std::optional<OperationKind> kind;
  std::optional<std::int64_t> campaign_id;
  std::string after;        // opaque cursor from a previous page's next_cursor; "" first
  std::size_t limit = 100;  // 1..1000
};

struct OperationPage {
  std::vector<Operation> operations;
  std::string next_cursor;  // "" when this is the last page
};

}  // namespace custos::core
