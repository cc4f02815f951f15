// The observations one I/O thread serves as the notifying server (RFC 7641 §4): each
// Notifier's state by peer and token, and the notifications in flight by message id, so
// that an ACK, an RST or a transmit timeout finds its observation. Bookkeeping only; the
// worker sends (worker_notify.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/notifier_state.h"

namespace custos::coap::transport {

class ServerObservations {
 public:
  using StatePtr = std::shared_ptr<Notifier::State>;
  struct InFlight {
    StatePtr state;
    bool confirmable = false;
    NotificationSent sent;  // empty for a NON notification
  };

  // Serves `state` from now on; returns the observation it replaces (same peer and token).
  StatePtr Add(StatePtr state);
  StatePtr Find(const Peer& peer, std::span<const std::uint8_t> token) const;
  // Forgets `state` and its notifications in flight, handing back the CON ones (whose
  // retransmission the caller stops and whose `sent` it tells).
  std::vector<std::pair<std::uint16_t, NotificationSent>> Remove(const StatePtr& state);

  // A notification of `state` just sent with `message_id`. Of NON ones only the latest
  // `kRecentNon` per observation are remembered.
  void Track(const StatePtr& state, std::uint16_t message_id, bool confirmable,
             NotificationSent sent);
  // The notification sent to `peer` with `message_id`, forgotten; nullopt if none.
  std::optional<InFlight> Take(const Peer& peer, std::uint16_t message_id);

  bool Busy(const Peer& peer) const { return per_peer_.contains(peer); }
  std::vector<StatePtr> All() const;
  std::size_t size() const { return by_token_.size(); }

  static constexpr std::size_t kRecentNon = 4;

 private:
  struct MessageKey {
    Peer peer;
    std::uint16_t message_id = 0;
    bool operator==(const MessageKey&) const = default;
  };
  struct MessageKeyHash {
    std::size_t operator()(const MessageKey& key) const noexcept {
      return std::hash<Peer>{}(key.peer) * 31 + key.message_id;
    }
  };
  static std::string TokenKey(const Peer& peer, std::span<const std::uint8_t> token);

  std::unordered_map<std::string, StatePtr> by_token_;
  std::unordered_map<MessageKey, InFlight, MessageKeyHash> in_flight_;
  std::unordered_map<Peer, std::size_t> per_peer_;
};

}  // namespace custos::coap::transport
