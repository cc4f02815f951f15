// The client side of Observe (RFC 7641): the observations this endpoint holds on its peers,
// keyed by peer and token, and the verdict on each notification that comes back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>

#include "coap/message.h"
#include "coap/peer.h"
#include "coap/transmission.h"
#include "core/error.h"

namespace custos::coap {

struct ObservationLimits {
  std::size_t per_peer = 64;
  std::size_t total = 1 << 20;
};

// The GET (or FETCH) that cancels an observation actively (§3.6): `registration` (same token,
// same options, same body) with Observe 1. The caller fills in the message id.
Message ActiveCancelRequest(const Message& registration);

class ObservationTable {
 public:
  enum class Verdict {
    kDeliver,  // fresher than every notification so far: hand it to the observer
    kStale,    // older than one already delivered (§3.4): drop it; a CON is still ACKed
    kUnknown,  // no observation has this token: reject it with RST (§3.6)
    kEnded,    // hand it to the observer as the last one; the observation is forgotten
  };

  explicit ObservationTable(ObservationLimits limits = {}) : limits_(limits) {}

  // Records an observation for `request`, a GET or FETCH (RFC 8132 §2.4) with Observe 0
  // about to be sent to `peer`;
  // its token is the key. kInvalidArgument for any other request; kAlreadyExists if the
  // peer already has an observation with that token; kUnavailable when the peer or the
  // table is at its limit.
  core::Result<void> Register(const Peer& peer, const Message& request);

  // The verdict on a response from `peer` carrying the token of an observation, received
  // at `now`: the response to the registration or a later notification. A 2.xx with
  // Observe is kDeliver when it is the first or fresher than the freshest so far by §3.4
  // (IsFresher: sequence numbers in 24-bit serial arithmetic, or more than 128 s later),
  // else kStale. A response without Observe (the server did not register the client, or
  // the answer to an active cancel) or with a code other than 2.xx (§3.2: the server
  // removed the client) is kEnded. `now` must not decrease from one call to the next.
  Verdict OnResponse(const Peer& peer, const Message& response, TimePoint now);

  // Passive cancel (§3.6): forgets the observation, so the next notification is kUnknown
  // and gets an RST. False if there was none.
  bool Cancel(const Peer& peer, std::span<const std::uint8_t> token);

  // Active cancel (§3.6): ActiveCancelRequest of the observation's registration, or
  // nullopt if there is none. The observation stays until the response to that GET (with
  // no Observe) ends it, so notifications crossing it on the way are still delivered.
  std::optional<Message> CancelRequest(const Peer& peer, std::span<const std::uint8_t> token) const;

  bool Contains(const Peer& peer, std::span<const std::uint8_t> token) const;
  std::size_t size() const { return observations_.size(); }
  std::size_t SizeFor(const Peer& peer) const;

 private:
  // Tokens are at most 8 bytes: packed into an integer with their length.
  struct Key {
    Peer peer;
    std::uint64_t token = 0;
    std::uint8_t token_length = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  struct Observation {
    Message registration;
    bool notified = false;  // whether `sequence` and `received` hold a notification yet
    std::uint32_t sequence = 0;
    TimePoint received;
  };
  using Observations = std::unordered_map<Key, Observation, KeyHash>;

  static std::optional<Key> MakeKey(const Peer& peer, std::span<const std::uint8_t> token);
  void Erase(Observations::iterator it);

  ObservationLimits limits_;
  Observations observations_;
  std::unordered_map<Peer, std::size_t> per_peer_;
};

}  // namespace custos::coap
