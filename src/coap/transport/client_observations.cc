#include "coap/transport/client_observations.h"

#include <utility>

namespace custos::coap::transport {

std::string ClientObservations::TokenKey(const Peer& peer, std::span<const std::uint8_t> token) {
  // Field by field: the struct's padding is not part of the value.
  std::string key(peer.address.begin(), peer.address.begin() + peer.address_size);
  key += static_cast<char>(peer.port >> 8);
  key += static_cast<char>(peer.port & 0xff);
  key.append(token.begin(), token.end());
  return key;
}

core::Result<void> ClientObservations::Add(ObservationId id, const Peer& peer,
                                           const Message& registration,
                                           NotificationCallback notify) {
  if (auto registered = table_.Register(peer, registration); !registered) return registered;
  observers_.emplace(id, Observer{peer, registration.token, registration, std::move(notify)});
  by_token_[TokenKey(peer, registration.token)] = id;
  return {};
}

ClientObservations::Observer* ClientObservations::Find(ObservationId id) {
  auto it = observers_.find(id);
  return it == observers_.end() ? nullptr : &it->second;
}

std::optional<ObservationId> ClientObservations::ByToken(
    const Peer& peer, std::span<const std::uint8_t> token) const {
  if (by_token_.empty()) return std::nullopt;  // every response asks; most hold none
  auto it = by_token_.find(TokenKey(peer, token));
  if (it == by_token_.end()) return std::nullopt;
  return it->second;
}

ObservationTable::Verdict ClientObservations::Judge(const Peer& peer, const Message& response,
                                                    TimePoint now) {
  return table_.OnResponse(peer, response, now);
}

std::optional<Message> ClientObservations::CancelRequest(ObservationId id) const {
  auto it = observers_.find(id);
  if (it == observers_.end()) return std::nullopt;
  return table_.CancelRequest(it->second.peer, it->second.token);
}

std::optional<ClientObservations::Observer> ClientObservations::Remove(ObservationId id) {
  auto it = observers_.find(id);
  if (it == observers_.end()) return std::nullopt;
  Observer observer = std::move(it->second);
  observers_.erase(it);
  by_token_.erase(TokenKey(observer.peer, observer.token));
  table_.Cancel(observer.peer, observer.token);  // no-op when the table ended it already
  return observer;
}

std::vector<ObservationId> ClientObservations::Ids() const {
  std::vector<ObservationId> ids;
  ids.reserve(observers_.size());
  for (const auto& [id, observer] : observers_) ids.push_back(id);
  return ids;
}

}  // namespace custos::coap::transport
