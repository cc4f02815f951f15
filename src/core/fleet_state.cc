#include "core/fleet_state.h"

namespace custos::core {

void FleetState::Put(DeviceId id, LifecycleState state, const Connectivity& c) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(id);
  if (!inserted) {
    --by_state_[static_cast<int>(it->second.state)];
    if (it->second.connectivity.online) --online_;
  }
  it->second.state = state;
  it->second.connectivity = c;
  ++by_state_[static_cast<int>(state)];
  if (c.online) ++online_;
}

void FleetState::PutIfAbsent(DeviceId id, LifecycleState state, const Connectivity& c) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(id);
  if (!inserted) return;
  it->second.state = state;
  it->second.connectivity = c;
  ++by_state_[static_cast<int>(state)];
  if (c.online) ++online_;
}

void FleetState::SetState(DeviceId id, LifecycleState state) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  --by_state_[static_cast<int>(it->second.state)];
  it->second.state = state;
  ++by_state_[static_cast<int>(state)];
}

void FleetState::Erase(DeviceId id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  --by_state_[static_cast<int>(it->second.state)];
  if (it->second.connectivity.online) --online_;
  entries_.erase(it);
  dirty_.erase(id);
}

std::optional<FleetState::Entry> FleetState::Get(DeviceId id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::optional<bool> FleetState::UpdateConnectivity(DeviceId id, const Connectivity& c) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  bool was_online = it->second.connectivity.online;
  if (was_online != c.online) online_ += c.online ? 1 : -1;
  it->second.connectivity = c;
  dirty_[id] = c;
  return was_online;
}

std::vector<std::pair<DeviceId, Connectivity>> FleetState::TakeDirtyConnectivity() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<DeviceId, Connectivity>> out(dirty_.begin(), dirty_.end());
  dirty_.clear();
  return out;
}

std::map<LifecycleState, std::int64_t> FleetState::CountByState() const {
  std::lock_guard lock(mu_);
  return {{LifecycleState::kProvisioned, by_state_[0]},
          {LifecycleState::kActive, by_state_[1]},
          {LifecycleState::kDisabled, by_state_[2]},
          {LifecycleState::kRetired, by_state_[3]}};
}

std::int64_t FleetState::OnlineCount() const {
  std::lock_guard lock(mu_);
  return online_;
}

std::size_t FleetState::Size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace custos::core
