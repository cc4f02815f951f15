// The hot state of the fleet, in memory: each device's lifecycle state and connectivity, so
// that "how many are online", "devices by state" and connectivity updates from protocol
// adapters cost no store read. Loaded from the store at start; connectivity changes are
// written back in batches (FlushConnectivity), lifecycle changes go through the store first.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/device.h"

namespace custos::core {

class FleetState {
 public:
  struct Entry {
    LifecycleState state = LifecycleState::kProvisioned;
    Connectivity connectivity;
  };

  void Put(DeviceId id, LifecycleState state, const Connectivity& c);
  // Put, unless the device is already there (its connectivity may have been reported in the
  // meantime: that is kept).
  void PutIfAbsent(DeviceId id, LifecycleState state, const Connectivity& c);
  void SetState(DeviceId id, LifecycleState state);
  void Erase(DeviceId id);
  std::optional<Entry> Get(DeviceId id) const;

  // Records new connectivity; returns the previous online flag (nullopt if unknown device).
  // The change is queued for the next FlushConnectivity.
  std::optional<bool> UpdateConnectivity(DeviceId id, const Connectivity& c);
  // Takes the queued connectivity changes (last per device).
  std::vector<std::pair<DeviceId, Connectivity>> TakeDirtyConnectivity();

  std::map<LifecycleState, std::int64_t> CountByState() const;
  std::int64_t OnlineCount() const;
  std::size_t Size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<DeviceId, Entry> entries_;
  std::unordered_map<DeviceId, Connectivity> dirty_;
  std::int64_t by_state_[4] = {0, 0, 0, 0};
  std::int64_t online_ = 0;
};

}  // namespace custos::core
