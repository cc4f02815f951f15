// A session (v5 §4.1): what the server keeps for one client id across its connections, its
// subscriptions, the messages waiting for it and those in flight. Guarded by its own mutex;
// the SessionRegistry finds sessions, the client's connection works on them. Internal to
// the mqtt/server module.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "mqtt/mqtt.h"
#include "mqtt/server/handler.h"
#include "mqtt/server/principal.h"

namespace custos::mqtt::server {

class Connection;

struct SessionSubscription {
  std::string filter;
  QoS max_qos = QoS::kAtMostOnce;
  std::uint32_t identifier = 0;  // v5 Subscription Identifier; 0: none
};

// A message on its way to the session's client.
struct Outgoing {
  std::shared_ptr<const Message> message;
  QoS qos = QoS::kAtMostOnce;  // as delivered: the lower of the message's and the subscription's
  std::uint32_t subscription_id = 0;
  core::TimeMs queued_at = 0;
  std::uint16_t packet_id = 0;  // once in flight (QoS 1)
};

// A Last Will held back by its v5 Will Delay Interval.
struct PendingWill {
  Message message;
  core::TimeMs due_at = 0;
};

// "Never expires" for Session Expiry Interval (v5 §3.1.2.11.2).
inline constexpr std::uint32_t kSessionNeverExpires = 0xFFFFFFFF;

class Session {
 public:
  Session(std::string client_id, Principal principal)
      : client_id_(std::move(client_id)), principal_(std::move(principal)) {}

  const std::string& client_id() const { return client_id_; }
  const Principal& principal() const { return principal_; }

  // Everything below is guarded by `mu`.
  std::mutex mu;
  std::uint32_t expiry_s = 0;
  std::weak_ptr<Connection> connection;  // the live connection, if any
  core::TimeMs disconnected_at = 0;
  std::vector<SessionSubscription> subscriptions;
  std::list<Outgoing> queue;          // not sent yet
  std::list<Outgoing> inflight;       // QoS 1 sent, waiting for PUBACK, in sending order
  std::unique_ptr<PendingWill> will;  // a delayed will; most sessions have none

  // Whether `connection` is `conn` (and alive).
  bool AttachedTo(const Connection* conn) const;

  // The subscription that takes `topic` at the highest QoS (with its identifier); nullopt
  // if none matches.
  std::optional<SessionSubscription> Match(std::string_view topic) const;
  // Adds or replaces the subscription with the same filter (v5 §3.8.4).
  void Subscribe(SessionSubscription subscription);
  // Whether a subscription with exactly that filter existed.
  bool Unsubscribe(std::string_view filter);

  // Appends to the queue; when it then holds more than `max`, drops from its front. Returns
  // how many were dropped.
  std::size_t Enqueue(Outgoing outgoing, std::size_t max);
  // A packet identifier not in flight (v5 §2.2.1), cycling through 1..65535.
  std::uint16_t NextPacketId();
  // Removes the in-flight message `packet_id`; false if there is none.
  bool Acknowledge(std::uint16_t packet_id);

 private:
  const std::string client_id_;
  const Principal principal_;
  std::uint16_t last_packet_id_ = 0;
};

}  // namespace custos::mqtt::server
