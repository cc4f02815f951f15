#include "coap/transport/response_bodies.h"

#include <functional>
#include <utility>

namespace custos::coap::transport {

std::string ResourceKey(const Message& request) {
  // Each option with its number and length, so that "/a?b" and "/a/b" differ.
  std::string key(1, static_cast<char>(request.code.raw));
  for (const Option& option : request.options) {
    if (option.number != option::kUriHost && option.number != option::kUriPort &&
        option.number != option::kUriPath && option.number != option::kUriQuery) {
      continue;
    }
    key += static_cast<char>(option.number);
    key += static_cast<char>(option.value.size() >> 8);
    key += static_cast<char>(option.value.size() & 0xff);
    key.append(option.value.begin(), option.value.end());
  }
  return key;
}

std::size_t ResponseBodies::KeyHash::operator()(const Key& key) const noexcept {
  return std::hash<Peer>{}(key.peer) ^ (std::hash<std::string>{}(key.resource) * 31);
}

void ResponseBodies::Put(const Peer& peer, const std::string& resource, Message head,
                         std::shared_ptr<const BodySource> body, TimePoint now) {
  Key key{peer, resource};
  if (auto it = entries_.find(key); it != entries_.end()) Erase(it);
  if (per_peer_[peer] >= limits_.max_per_peer) EvictOldestOf(peer);
  while (!order_.empty() && entries_.size() >= limits_.max_entries) {
    Erase(entries_.find(order_.front()));
  }
  order_.push_back(key);
  entries_.emplace(std::move(key), Slot{Entry{std::move(head), std::move(body)},
                                        now + limits_.lifetime, std::prev(order_.end())});
  ++per_peer_[peer];
}

const ResponseBodies::Entry* ResponseBodies::Find(const Peer& peer, const std::string& resource,
                                                  TimePoint now) {
  auto it = entries_.find(Key{peer, resource});
  if (it == entries_.end()) return nullptr;
  if (it->second.expires <= now) {
    Erase(it);
    return nullptr;
  }
  it->second.expires = now + limits_.lifetime;
  order_.splice(order_.end(), order_, it->second.in_order);
  return &it->second.entry;
}

void ResponseBodies::Erase(const Peer& peer, const std::string& resource) {
  if (auto it = entries_.find(Key{peer, resource}); it != entries_.end()) Erase(it);
}

std::size_t ResponseBodies::Expire(TimePoint now) {
  std::size_t expired = 0;
  while (!order_.empty()) {
    auto it = entries_.find(order_.front());
    if (it->second.expires > now) break;
    Erase(it);
    ++expired;
  }
  return expired;
}

void ResponseBodies::Erase(Map::iterator it) {
  const Peer peer = it->first.peer;
  order_.erase(it->second.in_order);
  entries_.erase(it);
  if (auto count = per_peer_.find(peer); count != per_peer_.end() && --count->second == 0) {
    per_peer_.erase(count);
  }
}

void ResponseBodies::EvictOldestOf(const Peer& peer) {
  for (const Key& key : order_) {
    if (key.peer == peer) {
      Erase(entries_.find(key));
      return;
    }
  }
}

}  // namespace custos::coap::transport
