#include "coap/deduplicator.h"

#include <algorithm>
#include <utility>

namespace custos::coap {

Deduplicator::Deduplicator(TransmissionParams params, DeduplicatorLimits limits)
    : params_(params), limits_(limits) {
  limits_.per_peer = std::max<std::size_t>(limits_.per_peer, 1);
  limits_.total = std::max<std::size_t>(limits_.total, 1);
}

Deduplicator::Seen Deduplicator::Check(const Peer& peer, std::uint16_t message_id, Type type,
                                       TimePoint now) {
  if (type != Type::kConfirmable && type != Type::kNonConfirmable) return {};
  Expire(now);
  const ExchangeKey key{peer, message_id};
  if (auto it = entries_.find(key); it != entries_.end()) {
    return {Verdict::kDuplicate, it->second.response};
  }

  if (auto own = by_peer_.find(peer);
      own != by_peer_.end() && own->second.size() >= limits_.per_peer) {
    ++evicted_;
    Erase(entries_.find(own->second.front()));
  }
  if (entries_.size() >= limits_.total) EvictOldest();

  const Duration lifetime =
      type == Type::kConfirmable ? params_.ExchangeLifetime() : params_.NonLifetime();
  KeyList& lifetime_list = LifetimeList(type);
  lifetime_list.push_back(key);
  KeyList& peer_keys = by_peer_[peer];
  peer_keys.push_back(key);
  entries_.emplace(key, Entry{now, now + lifetime, type, std::nullopt,
                              std::prev(lifetime_list.end()), std::prev(peer_keys.end())});
  return {};
}

bool Deduplicator::RememberResponse(const Peer& peer, std::uint16_t message_id,
                                    std::vector<std::uint8_t> response) {
  auto it = entries_.find({peer, message_id});
  if (it == entries_.end() || it->second.type != Type::kConfirmable) return false;
  it->second.response = std::move(response);
  return true;
}

std::size_t Deduplicator::Expire(TimePoint now) {
  std::size_t expired = 0;
  for (KeyList* list : {&con_, &non_}) {
    while (!list->empty()) {
      auto it = entries_.find(list->front());
      if (it->second.expires > now) break;
      Erase(it);
      ++expired;
    }
  }
  return expired;
}

std::size_t Deduplicator::SizeFor(const Peer& peer) const {
  auto it = by_peer_.find(peer);
  return it == by_peer_.end() ? 0 : it->second.size();
}

void Deduplicator::EvictOldest() {
  KeyList* list = &con_;
  if (con_.empty() || (!non_.empty() && entries_.find(non_.front())->second.received <
                                            entries_.find(con_.front())->second.received)) {
    list = &non_;
  }
  if (list->empty()) return;
  ++evicted_;
  Erase(entries_.find(list->front()));
}

void Deduplicator::Erase(Entries::iterator it) {
  const Entry& entry = it->second;
  LifetimeList(entry.type).erase(entry.in_lifetime_list);
  auto peer = by_peer_.find(it->first.peer);
  peer->second.erase(entry.in_peer_list);
  if (peer->second.empty()) by_peer_.erase(peer);
  entries_.erase(it);
}

}  // namespace custos::coap
