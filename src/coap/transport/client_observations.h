// The observations one I/O thread holds on its peers as a client (RFC 7641): the
// ObservationTable that judges each notification, and beside it who is told (the
// caller's NotificationCallback under its ObservationId). Pure bookkeeping, no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/endpoint.h"

namespace custos::coap::transport {

class ClientObservations {
 public:
  struct Observer {
    Peer peer;
    std::vector<std::uint8_t> token;
    Message
        registration;  // the GET as sent: the rest of a block-wise notification is fetched with it
    NotificationCallback notify;
    bool answered = false;    // the response to the registration has arrived
    bool cancelling = false;  // an active cancel is on its way
    // Notifications handed over so far, to tell whether a block-wise one that took a while
    // to fetch has been overtaken by a fresher one meanwhile.
    std::uint64_t delivered = 0;
  };

  explicit ClientObservations(ObservationLimits limits = {}) : table_(limits) {}

  // Records observation `id` for `registration` (a GET with Observe 0 and its token, about
  // to be sent to `peer`). Errors as ObservationTable::Register.
  core::Result<void> Add(ObservationId id, const Peer& peer, const Message& registration,
                         NotificationCallback notify);
  Observer* Find(ObservationId id);
  std::optional<ObservationId> ByToken(const Peer& peer, std::span<const std::uint8_t> token) const;
  bool Contains(const Peer& peer, std::span<const std::uint8_t> token) const {
    return ByToken(peer, token).has_value();
  }

  // ObservationTable::OnResponse for the observation with `response`'s token; a kEnded
  // observation stays here until Remove (its observer is told first).
  ObservationTable::Verdict Judge(const Peer& peer, const Message& response, TimePoint now);
  // The GET with Observe 1 that cancels `id` actively, or nullopt if it is unknown.
  std::optional<Message> CancelRequest(ObservationId id) const;
  // Forgets `id`, handing back its observer (to be told it ended), or nullopt.
  std::optional<Observer> Remove(ObservationId id);

  bool Busy(const Peer& peer) const { return table_.SizeFor(peer) > 0; }
  std::vector<ObservationId> Ids() const;
  std::size_t size() const { return observers_.size(); }

 private:
  static std::string TokenKey(const Peer& peer, std::span<const std::uint8_t> token);

  ObservationTable table_;
  std::unordered_map<ObservationId, Observer> observers_;
  std::unordered_map<std::string, ObservationId> by_token_;
};

}  // namespace custos::coap::transport
