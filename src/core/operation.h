// The vocabulary of remote operations, shared by every protocol adapter. The engine that runs
// them (queues, guards, schedules, campaigns) builds on these types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
};

}  // namespace custos::core
