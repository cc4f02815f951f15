#include "mqtt/server/session_registry.h"

namespace custos::mqtt::server {

SessionRegistry::Attached SessionRegistry::Attach(const std::string& client_id,
                                                  const Principal& principal, bool clean_start,
                                                  std::uint32_t expiry_s,
                                                  const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mu_);
  std::shared_ptr<Session>& slot =
      principal.is_device() ? devices_[principal.device_id] : operators_[client_id];
  Attached out;
  if (slot) {
    std::lock_guard session_lock(slot->mu);
    out.previous = slot->connection.lock();
    slot->connection.reset();
    if (slot->will) {
      if (clean_start || !principal.is_device()) out.will_now = std::move(slot->will->message);
      slot->will.reset();
    }
    offline_.erase(slot);
  }
  if (!slot || clean_start || !principal.is_device()) {
    slot = std::make_shared<Session>(client_id, principal);
  } else {
    out.present = true;
  }
  std::lock_guard session_lock(slot->mu);
  slot->connection = conn;
  slot->expiry_s = expiry_s;
  out.session = slot;
  return out;
}

SessionRegistry::Detached SessionRegistry::Detach(const std::shared_ptr<Session>& session,
                                                  const Connection* conn, core::TimeMs now,
                                                  std::optional<PendingWill> will) {
  std::lock_guard lock(mu_);
  std::lock_guard session_lock(session->mu);
  Detached out;
  if (!session->AttachedTo(conn)) return out;
  out.was_attached = true;
  session->connection.reset();
  session->disconnected_at = now;
  out.ended = session->expiry_s == 0;
  if (will) {
    if (out.ended || will->due_at <= now) {
      out.will_now = std::move(will->message);
    } else {
      session->will = std::make_unique<PendingWill>(std::move(*will));
    }
  }
  if (out.ended) {
    EraseLocked(session);
  } else if (RegisteredLocked(session)) {
    offline_.insert(session);  // a session erased meanwhile (device retired) is not kept
  }
  return out;
}

bool SessionRegistry::RegisteredLocked(const std::shared_ptr<Session>& session) const {
  const Principal& p = session->principal();
  if (p.is_device()) {
    auto it = devices_.find(p.device_id);
    return it != devices_.end() && it->second == session;
  }
  auto it = operators_.find(session->client_id());
  return it != operators_.end() && it->second == session;
}

void SessionRegistry::EraseLocked(const std::shared_ptr<Session>& session) {
  offline_.erase(session);
  const Principal& p = session->principal();
  if (p.is_device()) {
    auto it = devices_.find(p.device_id);
    if (it != devices_.end() && it->second == session) devices_.erase(it);
  } else {
    auto it = operators_.find(session->client_id());
    if (it != operators_.end() && it->second == session) operators_.erase(it);
  }
}

std::shared_ptr<Session> SessionRegistry::FindDevice(core::DeviceId device) const {
  std::lock_guard lock(mu_);
  auto it = devices_.find(device);
  return it == devices_.end() ? nullptr : it->second;
}

std::shared_ptr<Session> SessionRegistry::EraseDevice(core::DeviceId device) {
  std::lock_guard lock(mu_);
  auto it = devices_.find(device);
  if (it == devices_.end()) return nullptr;
  auto session = it->second;
  EraseLocked(session);
  return session;
}

std::vector<std::shared_ptr<Session>> SessionRegistry::Operators() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Session>> out;
  out.reserve(operators_.size());
  for (const auto& [id, s] : operators_) out.push_back(s);
  return out;
}

std::vector<std::shared_ptr<Session>> SessionRegistry::ConnectedDevices() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Session>> out;
  for (const auto& [id, s] : devices_) {
    if (!offline_.contains(s)) out.push_back(s);
  }
  return out;
}

std::vector<std::pair<Principal, Message>> SessionRegistry::Sweep(core::TimeMs now) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<Principal, Message>> wills;
  std::vector<std::shared_ptr<Session>> ended;
  for (const auto& s : offline_) {
    std::lock_guard session_lock(s->mu);
    const bool expired = s->expiry_s != kSessionNeverExpires &&
                         now - s->disconnected_at >= core::TimeMs{s->expiry_s} * 1000;
    if (s->will && (expired || s->will->due_at <= now)) {
      wills.emplace_back(s->principal(), std::move(s->will->message));
      s->will.reset();
    }
    if (expired) ended.push_back(s);
  }
  for (const auto& s : ended) EraseLocked(s);
  return wills;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return devices_.size() + operators_.size();
}

}  // namespace custos::mqtt::server
