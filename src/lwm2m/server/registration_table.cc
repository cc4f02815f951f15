#include "lwm2m/server/registration_table.h"

namespace custos::lwm2m::server {

std::optional<Registration> RegistrationTable::Put(Registration registration) {
  std::lock_guard lock(mu_);
  auto replaced = EraseLocked(registration.endpoint);
  // A device renamed into another's endpoint name keeps one registration per device.
  if (auto other = endpoint_by_device_.find(registration.device_id);
      other != endpoint_by_device_.end()) {
    auto dropped = EraseLocked(std::string(other->second));
    if (!replaced) replaced = std::move(dropped);
  }
  endpoint_by_id_[registration.id] = registration.endpoint;
  endpoint_by_device_[registration.device_id] = registration.endpoint;
  deadlines_.emplace(registration.deadline, registration.endpoint);
  std::string endpoint = registration.endpoint;
  by_endpoint_.emplace(std::move(endpoint), std::move(registration));
  return replaced;
}

std::optional<Registration> RegistrationTable::Update(const std::string& id,
                                                      const UpdateRequest& update,
                                                      const coap::Peer& peer, core::TimeMs now,
                                                      core::TimeMs deadline) {
  std::lock_guard lock(mu_);
  auto endpoint = endpoint_by_id_.find(id);
  if (endpoint == endpoint_by_id_.end()) return std::nullopt;
  Registration& r = by_endpoint_.at(endpoint->second);
  deadlines_.erase({r.deadline, r.endpoint});
  r.peer = peer;
  if (update.lifetime_s) r.lifetime_s = *update.lifetime_s;
  if (update.binding) r.binding = *update.binding;
  if (update.sms) r.sms = *update.sms;
  if (update.queue_mode) r.queue_mode = *update.queue_mode;
  if (update.objects) r.objects = *update.objects;
  r.updated_at = now;
  r.deadline = deadline;
  deadlines_.emplace(r.deadline, r.endpoint);
  return r;
}

std::optional<Registration> RegistrationTable::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  auto endpoint = endpoint_by_id_.find(id);
  if (endpoint == endpoint_by_id_.end()) return std::nullopt;
  return EraseLocked(std::string(endpoint->second));
}

std::optional<Registration> RegistrationTable::RemoveDevice(core::DeviceId device_id) {
  std::lock_guard lock(mu_);
  auto endpoint = endpoint_by_device_.find(device_id);
  if (endpoint == endpoint_by_device_.end()) return std::nullopt;
  return EraseLocked(std::string(endpoint->second));
}

std::optional<Registration> RegistrationTable::FindById(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto endpoint = endpoint_by_id_.find(id);
  if (endpoint == endpoint_by_id_.end()) return std::nullopt;
  return by_endpoint_.at(endpoint->second);
}

std::optional<Registration> RegistrationTable::FindByEndpoint(const std::string& endpoint) const {
  std::lock_guard lock(mu_);
  auto it = by_endpoint_.find(endpoint);
  if (it == by_endpoint_.end()) return std::nullopt;
  return it->second;
}

std::optional<Registration> RegistrationTable::FindByDevice(core::DeviceId device_id) const {
  std::lock_guard lock(mu_);
  auto endpoint = endpoint_by_device_.find(device_id);
  if (endpoint == endpoint_by_device_.end()) return std::nullopt;
  return by_endpoint_.at(endpoint->second);
}

std::vector<Registration> RegistrationTable::TakeExpired(core::TimeMs now) {
  std::lock_guard lock(mu_);
  std::vector<Registration> expired;
  while (!deadlines_.empty() && deadlines_.begin()->first < now) {
    auto removed = EraseLocked(std::string(deadlines_.begin()->second));
    if (removed) expired.push_back(std::move(*removed));
  }
  return expired;
}

std::optional<core::TimeMs> RegistrationTable::NextDeadline() const {
  std::lock_guard lock(mu_);
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::size_t RegistrationTable::size() const {
  std::lock_guard lock(mu_);
  return by_endpoint_.size();
}

std::optional<Registration> RegistrationTable::EraseLocked(const std::string& endpoint) {
  auto it = by_endpoint_.find(endpoint);
  if (it == by_endpoint_.end()) return std::nullopt;
  Registration removed = std::move(it->second);
  by_endpoint_.erase(it);
  endpoint_by_id_.erase(removed.id);
  if (auto d = endpoint_by_device_.find(removed.device_id);
      d != endpoint_by_device_.end() && d->second == endpoint) {
    endpoint_by_device_.erase(d);
  }
  deadlines_.erase({removed.deadline, endpoint});
  return removed;
}

}  // namespace custos::lwm2m::server
