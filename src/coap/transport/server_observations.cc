#include "coap/transport/server_observations.h"

#include <algorithm>
#include <utility>

namespace custos::coap::transport {

std::string ServerObservations::TokenKey(const Peer& peer, std::span<const std::uint8_t> token) {
  // Field by field: the struct's padding is not part of the value.
  std::string key(peer.address.begin(), peer.address.begin() + peer.address_size);
  key += static_cast<char>(peer.port >> 8);
  key += static_cast<char>(peer.port & 0xff);
  key.append(token.begin(), token.end());
  return key;
}

ServerObservations::StatePtr ServerObservations::Add(StatePtr state) {
  StatePtr& slot = by_token_[TokenKey(state->peer, state->token)];
  StatePtr replaced = std::exchange(slot, state);
  if (!replaced) ++per_peer_[state->peer];
  state->registered = true;
  return replaced;
}

ServerObservations::StatePtr ServerObservations::Find(const Peer& peer,
                                                      std::span<const std::uint8_t> token) const {
  if (by_token_.empty()) return nullptr;  // every request asks; most endpoints serve none
  auto it = by_token_.find(TokenKey(peer, token));
  return it == by_token_.end() ? nullptr : it->second;
}

std::vector<std::pair<std::uint16_t, NotificationSent>> ServerObservations::Remove(
    const StatePtr& state) {
  std::vector<std::pair<std::uint16_t, NotificationSent>> pending;
  for (std::uint16_t id : state->pending_confirmable) {
    auto it = in_flight_.find(MessageKey{state->peer, id});
    if (it == in_flight_.end()) continue;
    pending.emplace_back(id, std::move(it->second.sent));
    in_flight_.erase(it);
  }
  for (std::uint16_t id : state->recent_non) in_flight_.erase(MessageKey{state->peer, id});
  state->pending_confirmable.clear();
  state->recent_non.clear();
  if (!state->registered) return pending;
  state->registered = false;
  auto it = by_token_.find(TokenKey(state->peer, state->token));
  // A replaced observation is no longer in the table; its successor stays.
  if (it == by_token_.end() || it->second != state) return pending;
  by_token_.erase(it);
  if (auto count = per_peer_.find(state->peer); count != per_peer_.end() && --count->second == 0) {
    per_peer_.erase(count);
  }
  return pending;
}

void ServerObservations::Track(const StatePtr& state, std::uint16_t message_id, bool confirmable,
                               NotificationSent sent) {
  if (confirmable) {
    state->pending_confirmable.push_back(message_id);
  } else {
    if (state->recent_non.size() >= kRecentNon) {
      in_flight_.erase(MessageKey{state->peer, state->recent_non.front()});
      state->recent_non.erase(state->recent_non.begin());
    }
    state->recent_non.push_back(message_id);
  }
  in_flight_[MessageKey{state->peer, message_id}] = InFlight{state, confirmable, std::move(sent)};
}

std::optional<ServerObservations::InFlight> ServerObservations::Take(const Peer& peer,
                                                                     std::uint16_t message_id) {
  if (in_flight_.empty()) return std::nullopt;
  auto it = in_flight_.find(MessageKey{peer, message_id});
  if (it == in_flight_.end()) return std::nullopt;
  InFlight found = std::move(it->second);
  in_flight_.erase(it);
  auto& ids = found.confirmable ? found.state->pending_confirmable : found.state->recent_non;
  ids.erase(std::remove(ids.begin(), ids.end(), message_id), ids.end());
  return found;
}

std::vector<ServerObservations::StatePtr> ServerObservations::All() const {
  std::vector<StatePtr> all;
  all.reserve(by_token_.size());
  for (const auto& [key, state] : by_token_) all.push_back(state);
  return all;
}

}  // namespace custos::coap::transport
