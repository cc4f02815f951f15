// The peers one I/O thread knows, kept in order of last activity so that the idle ones are
// found at the front without a scan, and bounded in number. The state a peer carries
// elsewhere (message ids, pending messages, remembered duplicates) is keyed by Peer in
// those structures; this table decides when a peer is forgotten.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"

namespace custos::coap::transport {

class PeerTable {
 public:
  PeerTable(std::size_t max_peers, Duration idle_timeout);

  enum class Touched { kKnown, kNew, kFull };
  // Records traffic with `peer` at `now`, adding it when new. kFull, recording nothing,
  // when the peer is new and the table already holds max_peers others.
  Touched Touch(const Peer& peer, TimePoint now);
  // Records traffic only if the peer is known (an ACK or RST creates no state).
  void TouchIfKnown(const Peer& peer, TimePoint now);
  bool Contains(const Peer& peer) const { return entries_.contains(peer); }

  // When the least recently active peer becomes idle; nullopt when the table is empty.
  std::optional<TimePoint> NextIdle() const;
  // Removes and returns every peer idle at `now` (no traffic for idle_timeout) for which
  // `busy` says false; a busy one counts as active at `now`.
  std::vector<Peer> EvictIdle(TimePoint now, const std::function<bool(const Peer&)>& busy);

  std::size_t size() const { return entries_.size(); }
  bool full() const { return entries_.size() >= max_peers_; }

 private:
  struct Entry {
    TimePoint last_active;
    std::list<Peer>::iterator position;
  };

  std::size_t max_peers_;
  Duration idle_timeout_;
  std::list<Peer> order_;  // least recently active first
  std::unordered_map<Peer, Entry> entries_;
};

}  // namespace custos::coap::transport
