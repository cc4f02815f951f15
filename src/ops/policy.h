// The engine's rules as pure functions: which kinds are disruptive, when a guard holds an
// operation, how long to wait before trying a delivery again. Internal to the ops module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/core.h"
#include "ops/engine.h"

namespace custos::ops {

// The guards' names, as stored in Operation::waiting_for and shown to operators.
inline constexpr const char* kGuardExclusiveLock = "exclusive_lock";
inline constexpr const char* kGuardBattery = "battery";
inline constexpr const char* kGuardMaintenanceWindow = "maintenance_window";
inline constexpr const char* kGuardOffline = "offline";

// Whether the device may take a firmware update by its power: battery at or above
// `threshold`, external power, or no battery level reported at all (a device that reports
// none is taken to have no battery to protect).
bool PowerAllows(const core::Health& health, int threshold);

// What the guards see of a device and its other operations when one operation is checked.
struct GuardView {
  bool lock_free = true;  // no older disruptive operation of the device is unfinished
  bool power_ok = true;   // PowerAllows for a firmware update
  bool reachable = true;  // the deliverer can reach the device now
  bool window_open = true;  // no maintenance window applies, or one is open now
};

// The first guard (in the order exclusive lock, battery, maintenance window, offline) that
// holds an operation of `kind`, or nullopt when it may go. enable and disable are server-side:
// no guard holds them.
std::optional<std::string> HoldingGuard(core::OperationKind kind, const GuardView& view);

// How long after attempt number `attempts` (1 for the first) an undelivered operation is
// tried again: retry_initial_ms doubled per attempt, at most retry_max_ms.
std::int64_t RetryDelayMs(const EngineOptions& options, int attempts);

// Whether the older operation `holder` keeps `later` (both of one device) waiting for the
// exclusive lock: both disruptive and `holder` not final.
bool HoldsLockAgainst(const core::Operation& holder, const core::Operation& later);

}  // namespace custos::ops
