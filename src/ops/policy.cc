#include "ops/policy.h"

#include <algorithm>

namespace custos::ops {

bool IsDisruptive(core::OperationKind kind) {
  return kind == core::OperationKind::kReboot || kind == core::OperationKind::kFactoryReset ||
         kind == core::OperationKind::kFirmwareUpdate;
}

std::optional<OnConflict> ParseOnConflict(std::string_view text) {
  if (text == "wait") return OnConflict::kWait;
  if (text == "reject") return OnConflict::kReject;
  return std::nullopt;
}

bool PowerAllows(const core::Health& health, int threshold) {
  if (health.power_source == "external") return true;
  if (!health.battery_level) return true;
  return *health.battery_level >= threshold;
}

std::optional<std::string> HoldingGuard(core::OperationKind kind, const GuardView& view) {
  if (kind == core::OperationKind::kEnable || kind == core::OperationKind::kDisable) {
    return std::nullopt;
  }
  if (IsDisruptive(kind) && !view.lock_free) return kGuardExclusiveLock;
  if (kind == core::OperationKind::kFirmwareUpdate && !view.power_ok) return kGuardBattery;
  if (!view.window_open) return kGuardMaintenanceWindow;
  if (!view.reachable) return kGuardOffline;
  return std::nullopt;
}

std::int64_t RetryDelayMs(const EngineOptions& options, int attempts) {
  std::int64_t delay = std::max<std::int64_t>(options.retry_initial_ms, 1);
  for (int i = 1; i < attempts && delay < options.retry_max_ms; ++i) delay *= 2;
  return std::min(delay, std::max(options.retry_max_ms, options.retry_initial_ms));
}

bool HoldsLockAgainst(const core::Operation& holder, const core::Operation& later) {
  return holder.id < later.id && holder.device_id == later.device_id && IsDisruptive(holder.kind) &&
         IsDisruptive(later.kind) && !core::IsFinal(holder.state);
}

}  // namespace custos::ops
