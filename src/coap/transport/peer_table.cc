#include "coap/transport/peer_table.h"

#include <algorithm>

namespace custos::coap::transport {

PeerTable::PeerTable(std::size_t max_peers, Duration idle_timeout)
    : max_peers_(std::max<std::size_t>(max_peers, 1)), idle_timeout_(idle_timeout) {}

PeerTable::Touched PeerTable::Touch(const Peer& peer, TimePoint now) {
  if (auto it = entries_.find(peer); it != entries_.end()) {
    it->second.last_active = now;
    order_.splice(order_.end(), order_, it->second.position);
    return Touched::kKnown;
  }
  if (full()) return Touched::kFull;
  order_.push_back(peer);
  entries_.emplace(peer, Entry{now, std::prev(order_.end())});
  return Touched::kNew;
}

void PeerTable::TouchIfKnown(const Peer& peer, TimePoint now) {
  if (Contains(peer)) Touch(peer, now);
}

std::optional<TimePoint> PeerTable::NextIdle() const {
  if (order_.empty()) return std::nullopt;
  return entries_.at(order_.front()).last_active + idle_timeout_;
}

std::vector<Peer> PeerTable::EvictIdle(TimePoint now,
                                       const std::function<bool(const Peer&)>& busy) {
  std::vector<Peer> evicted;
  // Each peer is looked at once: a busy one moves to the back with a fresh time.
  for (std::size_t n = order_.size(); n > 0 && !order_.empty(); --n) {
    const Peer peer = order_.front();
    auto it = entries_.find(peer);
    if (it->second.last_active + idle_timeout_ > now) break;
    if (busy(peer)) {
      Touch(peer, now);
      continue;
    }
    order_.pop_front();
    entries_.erase(it);
    evicted.push_back(peer);
  }
  return evicted;
}

}  // namespace custos::coap::transport
