// Every session of the server: device sessions by device id (a device's client id is its
// name), operator sessions by client id. Attach and Detach implement take-over, clean start
// and expiry; Sweep ends expired sessions and releases delayed wills. Lock order: the
// registry, then a session. Internal to the mqtt/server module.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mqtt/server/session.h"

namespace custos::mqtt::server {

class SessionRegistry {
 public:
  struct Attached {
    std::shared_ptr<Session> session;
    bool present = false;                  // an existing session was resumed
    std::shared_ptr<Connection> previous;  // its live connection, now taken over
    std::optional<Message> will_now;       // a delayed will the new start releases
  };

  // Gives `conn` the session of `principal` (a device's, or an operator's `client_id`):
  // resumes it unless `clean_start` or there is none, in which case a new one replaces it.
  // A delayed will of the old session is cancelled by a resume and released by a clean start
  // (v5 §3.1.3.2.2). Operators' sessions are never resumed.
  Attached Attach(const std::string& client_id, const Principal& principal, bool clean_start,
                  std::uint32_t expiry_s, const std::shared_ptr<Connection>& conn);

  struct Detached {
    bool was_attached = false;        // false: a newer connection had taken the session over
    bool ended = false;               // the session ended with the connection (expiry 0)
    std::optional<Message> will_now;  // `will` to publish now
  };
  // `conn` has ended. If it still held the session, the session goes offline, keeping
  // `will` until its due time if it has one and the session lives on; a will that cannot wait
  // (no delay, or the session ends) comes back in will_now. A taken-over connection's will is
  // dropped.
  Detached Detach(const std::shared_ptr<Session>& session, const Connection* conn, core::TimeMs now,
                  std::optional<PendingWill> will);

  std::shared_ptr<Session> FindDevice(core::DeviceId device) const;
  // Ends a device's session (retired or deleted); returns it, or null.
  std::shared_ptr<Session> EraseDevice(core::DeviceId device);
  std::vector<std::shared_ptr<Session>> Operators() const;
  // Every device session with a live connection.
  std::vector<std::shared_ptr<Session>> ConnectedDevices() const;

  // Ends offline sessions whose Session Expiry Interval has passed, and takes the delayed
  // wills that are due (or whose session ended), with their principal.
  std::vector<std::pair<Principal, Message>> Sweep(core::TimeMs now);

  std::size_t size() const;

 private:
  void EraseLocked(const std::shared_ptr<Session>& session);
  bool RegisteredLocked(const std::shared_ptr<Session>& session) const;

  mutable std::mutex mu_;
  std::unordered_map<core::DeviceId, std::shared_ptr<Session>> devices_;
  std::unordered_map<std::string, std::shared_ptr<Session>> operators_;
  std::unordered_set<std::shared_ptr<Session>> offline_;  // sessions without a connection
};

}  // namespace custos::mqtt::server
