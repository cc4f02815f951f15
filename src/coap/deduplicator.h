// Received message ids remembered for duplicate detection (RFC 7252 §4.5): a CON for
// EXCHANGE_LIFETIME with the response that was sent for it, so that a retransmitted CON
// gets the same response again without being processed twice; a NON for NON_LIFETIME.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

#include "coap/message.h"
#include "coap/peer.h"
#include "coap/transmission.h"

namespace custos::coap {

// Bounds on memory. When one is reached the oldest entry (of that peer, or of all) is
// forgotten first, so a flood from one peer cannot push out everyone else's ids; a
// duplicate of a forgotten CON would be processed again.
struct DeduplicatorLimits {
  std::size_t per_peer = 256;
  std::size_t total = 1 << 20;
};

class Deduplicator {
 public:
  enum class Verdict { kNew, kDuplicate };
  struct Seen {
    Verdict verdict = Verdict::kNew;
    // For a duplicate CON whose response was remembered: send these bytes again. Empty for
    // a duplicate still being processed (send nothing yet) and for a duplicate NON.
    std::optional<std::vector<std::uint8_t>> response;
  };

  explicit Deduplicator(TransmissionParams params = {}, DeduplicatorLimits limits = {});

  // Whether (peer, message id) of a received message was seen within its lifetime. A new
  // CON or NON is remembered from `now`; ACK and RST are never remembered (the
  // RetransmissionQueue matches them) and always give kNew. Expires old entries first.
  // `now` must not decrease from one call to the next.
  Seen Check(const Peer& peer, std::uint16_t message_id, Type type, TimePoint now);

  // Keeps the bytes sent in answer to a remembered CON (its ACK, piggybacked or empty), for
  // its duplicates. Returns false, keeping nothing, when no CON with that id is remembered.
  bool RememberResponse(const Peer& peer, std::uint16_t message_id,
                        std::vector<std::uint8_t> response);

  // Forgets every entry whose lifetime has ended at `now`; costs O(entries forgotten).
  // Returns how many were forgotten.
  std::size_t Expire(TimePoint now);

  std::size_t size() const { return entries_.size(); }
  std::size_t SizeFor(const Peer& peer) const;
  // How many entries the limits have pushed out before their lifetime ended.
  std::size_t evicted() const { return evicted_; }

 private:
  using KeyList = std::list<ExchangeKey>;
  struct Entry {
    TimePoint received;
    TimePoint expires;
    Type type = Type::kConfirmable;
    std::optional<std::vector<std::uint8_t>> response;
    KeyList::iterator in_lifetime_list;
    KeyList::iterator in_peer_list;
  };
  using Entries = std::unordered_map<ExchangeKey, Entry>;

  // Entries of one lifetime in arrival order, which is also expiry order.
  KeyList& LifetimeList(Type type) { return type == Type::kConfirmable ? con_ : non_; }
  void Erase(Entries::iterator it);
  void EvictOldest();

  TransmissionParams params_;
  DeduplicatorLimits limits_;
  Entries entries_;
  KeyList con_;
  KeyList non_;
  std::unordered_map<Peer, KeyList> by_peer_;  // each in arrival order
  std::size_t evicted_ = 0;
};

}  // namespace custos::coap
