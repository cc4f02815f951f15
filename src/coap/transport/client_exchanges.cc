#include "coap/transport/client_exchanges.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace custos::coap::transport {

void Deliver(ResponseCallback& done, core::Result<Message> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    spdlog::error("coap: a response callback failed: {}", e.what());
  } catch (...) {
    spdlog::error("coap: a response callback failed");
  }
}

std::size_t ClientExchanges::TokenKeyHash::operator()(const TokenKey& key) const noexcept {
  std::size_t hash = std::hash<Peer>{}(key.peer);
  for (std::size_t i = 0; i < key.length; ++i) hash = (hash ^ key.token[i]) * 1099511628211ULL;
  return hash;
}

ClientExchanges::TokenKey ClientExchanges::MakeTokenKey(const Peer& peer,
                                                        std::span<const std::uint8_t> token) {
  TokenKey key{peer, {}, static_cast<std::uint8_t>(std::min(token.size(), kMaxTokenLength))};
  std::copy_n(token.begin(), key.length, key.token.begin());
  return key;
}

ClientExchanges::Id ClientExchanges::Add(Exchange exchange) {
  const Id id = next_id_++;
  PeerState& peer = peers_[exchange.peer];
  ++peer.exchanges;
  if (!exchange.acknowledged) ++peer.outstanding;
  by_message_id_[{exchange.peer, exchange.message_id}] = id;
  by_token_[MakeTokenKey(exchange.peer, exchange.token)] = id;
  entries_.emplace(id, Entry{std::move(exchange), std::nullopt});
  return id;
}

Exchange* ClientExchanges::Find(Id id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second.exchange;
}

std::optional<ClientExchanges::Id> ClientExchanges::ByMessageId(const Peer& peer,
                                                                std::uint16_t message_id) const {
  auto it = by_message_id_.find({peer, message_id});
  if (it == by_message_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<ClientExchanges::Id> ClientExchanges::ByToken(
    const Peer& peer, std::span<const std::uint8_t> token) const {
  if (token.size() > kMaxTokenLength) return std::nullopt;
  auto it = by_token_.find(MakeTokenKey(peer, token));
  if (it == by_token_.end()) return std::nullopt;
  return it->second;
}

void ClientExchanges::Acknowledge(Id id, TimePoint deadline) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Exchange& exchange = it->second.exchange;
  if (!exchange.acknowledged) {
    exchange.acknowledged = true;
    --peers_[exchange.peer].outstanding;
  }
  SetDeadline(id, deadline);
}

void ClientExchanges::SetDeadline(Id id, TimePoint deadline) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (it->second.deadline) deadlines_.erase(*it->second.deadline);
  it->second.deadline = deadlines_.emplace(deadline, id);
}

Exchange ClientExchanges::Take(Id id) {
  auto it = entries_.find(id);
  Exchange exchange = std::move(it->second.exchange);
  if (it->second.deadline) deadlines_.erase(*it->second.deadline);
  entries_.erase(it);
  by_message_id_.erase({exchange.peer, exchange.message_id});
  by_token_.erase(MakeTokenKey(exchange.peer, exchange.token));
  PeerState& peer = peers_[exchange.peer];
  --peer.exchanges;
  if (!exchange.acknowledged) --peer.outstanding;
  ReleasePeer(exchange.peer);
  return exchange;
}

std::vector<ClientExchanges::Id> ClientExchanges::Expired(TimePoint now) const {
  std::vector<Id> expired;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it) {
    expired.push_back(it->second);
  }
  return expired;
}

std::optional<TimePoint> ClientExchanges::NextDeadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::size_t ClientExchanges::Outstanding(const Peer& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? 0 : it->second.outstanding;
}

bool ClientExchanges::Enqueue(OutgoingRequest&& request, std::size_t max_waiting) {
  PeerState& peer = peers_[request.peer];
  if (peer.waiting.size() >= max_waiting) {
    ReleasePeer(request.peer);
    return false;
  }
  peer.waiting.push_back(std::move(request));
  return true;
}

std::optional<OutgoingRequest> ClientExchanges::Dequeue(const Peer& peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.waiting.empty()) return std::nullopt;
  OutgoingRequest request = std::move(it->second.waiting.front());
  it->second.waiting.pop_front();
  ReleasePeer(peer);
  return request;
}

std::vector<ClientExchanges::Id> ClientExchanges::Ids() const {
  std::vector<Id> ids;
  ids.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<OutgoingRequest> ClientExchanges::TakeWaiting() {
  std::vector<OutgoingRequest> waiting;
  for (auto it = peers_.begin(); it != peers_.end();) {
    for (auto& request : it->second.waiting) waiting.push_back(std::move(request));
    it->second.waiting.clear();
    it = it->second.exchanges == 0 ? peers_.erase(it) : std::next(it);
  }
  return waiting;
}

void ClientExchanges::ReleasePeer(const Peer& peer) {
  auto it = peers_.find(peer);
  if (it != peers_.end() && it->second.exchanges == 0 && it->second.waiting.empty()) {
    peers_.erase(it);
  }
}

}  // namespace custos::coap::transport
