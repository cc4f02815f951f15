#include "lwm2m/server/observations.h"

#include <algorithm>
#include <boost/json.hpp>

namespace custos::lwm2m::server {

Observation ObservationTable::Add(core::DeviceId device, std::vector<Path> paths, bool secure,
                                  core::TimeMs started_at, const coap::Peer& peer,
                                  std::optional<std::uint16_t> content_format) {
  std::lock_guard lock(mu_);
  Observation o;
  o.id = "o" + std::to_string(next_++);
  o.device = device;
  o.paths = std::move(paths);
  o.secure = secure;
  o.started_at = started_at;
  o.peer = peer;
  o.content_format = content_format;
  by_id_[o.id] = o;
  IndexLocked(o);
  return o;
}

void ObservationTable::SetCoapId(const std::string& id, coap::ObservationId coap_id) {
  std::lock_guard lock(mu_);
  if (auto it = by_id_.find(id); it != by_id_.end()) it->second.coap_id = coap_id;
}

void ObservationTable::SetToken(const std::string& id, std::vector<std::uint8_t> token) {
  std::lock_guard lock(mu_);
  if (auto it = by_id_.find(id); it != by_id_.end()) it->second.token = std::move(token);
}

bool ObservationTable::Restore(Observation observation) {
  std::lock_guard lock(mu_);
  std::string id = observation.id;
  auto [it, added] = by_id_.emplace(std::move(id), std::move(observation));
  if (added) IndexLocked(it->second);
  return added;
}

void ObservationTable::Reserve(std::uint64_t last) {
  std::lock_guard lock(mu_);
  next_ = std::max(next_, last + 1);
}

std::optional<Observation> ObservationTable::Notified(const std::string& id,
                                                      boost::json::value value, core::TimeMs at) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  it->second.accepted = true;
  it->second.last_value = std::move(value);
  it->second.last_notified_at = at;
  return it->second;
}

std::optional<Observation> ObservationTable::Find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<Observation> ObservationTable::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  Observation o = std::move(it->second);
  by_id_.erase(it);
  UnindexLocked(o);
  return o;
}

void ObservationTable::UnindexLocked(const Observation& o) {
  auto ids = ids_by_device_.find(o.device);
  if (ids == ids_by_device_.end()) return;
  ids->second.erase(o.id);
  if (ids->second.empty()) ids_by_device_.erase(ids);
}

std::vector<Observation> ObservationTable::RemoveDevice(core::DeviceId device) {
  std::lock_guard lock(mu_);
  std::vector<Observation> out;
  auto ids = ids_by_device_.find(device);
  if (ids == ids_by_device_.end()) return out;
  for (const std::string& id : ids->second) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    out.push_back(std::move(it->second));
    by_id_.erase(it);
  }
  ids_by_device_.erase(ids);
  return out;
}

std::vector<Observation> ObservationTable::OfDevice(core::DeviceId device) const {
  std::lock_guard lock(mu_);
  std::vector<Observation> out;
  auto ids = ids_by_device_.find(device);
  if (ids == ids_by_device_.end()) return out;
  for (const std::string& id : ids->second) {
    if (auto it = by_id_.find(id); it != by_id_.end()) out.push_back(it->second);
  }
  return out;
}

bool ObservationTable::Observes(core::DeviceId device, const Path& path) const {
  std::lock_guard lock(mu_);
  auto ids = ids_by_device_.find(device);
  if (ids == ids_by_device_.end()) return false;
  for (const std::string& id : ids->second) {
    auto it = by_id_.find(id);
    if (it != by_id_.end() && it->second.paths.size() == 1 && it->second.paths[0] == path) {
      return true;
    }
  }
  return false;
}

std::vector<Observation> ObservationTable::RemoveAll() {
  std::lock_guard lock(mu_);
  std::vector<Observation> out;
  for (auto& [id, o] : by_id_) out.push_back(std::move(o));
  by_id_.clear();
  ids_by_device_.clear();
  return out;
}

std::vector<Observation> ObservationTable::All() const {
  std::lock_guard lock(mu_);
  std::vector<Observation> out;
  for (const auto& [id, o] : by_id_) out.push_back(o);
  return out;
}

boost::json::value ToJson(const Observation& o) {
  boost::json::array paths;
  for (const auto& p : o.paths) paths.emplace_back(ToString(p));
  boost::json::object out;
  out["id"] = o.id;
  out["paths"] = std::move(paths);
  out["started_at"] = core::FormatTime(o.started_at);
  out["last_notified_at"] =
      o.last_notified_at ? boost::json::value(core::FormatTime(o.last_notified_at)) : nullptr;
  out["value"] = o.last_value;
  return out;
}

}  // namespace custos::lwm2m::server
