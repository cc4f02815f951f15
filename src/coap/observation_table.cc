#include "coap/observation_table.h"

#include "coap/code.h"
#include "coap/observation_order.h"
#include "coap/typed_options.h"

namespace custos::coap {

using core::ErrorCode;
using core::MakeError;

Message ActiveCancelRequest(const Message& registration) {
  Message request = registration;
  SetObserve(request.options, 1);
  return request;
}

std::size_t ObservationTable::KeyHash::operator()(const Key& key) const noexcept {
  return std::hash<Peer>{}(key.peer) ^
         (std::hash<std::uint64_t>{}(key.token) * 31 + key.token_length);
}

std::optional<ObservationTable::Key> ObservationTable::MakeKey(
    const Peer& peer, std::span<const std::uint8_t> token) {
  if (token.size() > kMaxTokenLength) return std::nullopt;
  Key key{peer, 0, static_cast<std::uint8_t>(token.size())};
  for (std::uint8_t b : token) key.token = (key.token << 8) | b;
  return key;
}

core::Result<void> ObservationTable::Register(const Peer& peer, const Message& request) {
  // RFC 8132 §2.4: a FETCH may be observed as a GET is.
  if ((request.code != codes::kGet && request.code != codes::kFetch) ||
      Observe(request.options) != 0u) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an observation is registered by a GET or FETCH with Observe 0");
  }
  auto key = MakeKey(peer, request.token);
  if (!key) return MakeError(ErrorCode::kInvalidArgument, "token longer than 8 bytes");
  if (observations_.contains(*key)) {
    return MakeError(ErrorCode::kAlreadyExists, "the token already observes at " + ToString(peer));
  }
  if (observations_.size() >= limits_.total) {
    return MakeError(ErrorCode::kUnavailable, "too many observations");
  }
  if (SizeFor(peer) >= limits_.per_peer) {
    return MakeError(ErrorCode::kUnavailable, "too many observations at " + ToString(peer));
  }
  observations_.emplace(*key, Observation{request, false, 0, {}});
  ++per_peer_[peer];
  return {};
}

ObservationTable::Verdict ObservationTable::OnResponse(const Peer& peer, const Message& response,
                                                       TimePoint now) {
  auto key = MakeKey(peer, response.token);
  auto it = key ? observations_.find(*key) : observations_.end();
  if (it == observations_.end()) return Verdict::kUnknown;
  const std::optional<std::uint32_t> sequence = Observe(response.options);
  if (response.code.Class() != 2 || !sequence) {
    Erase(it);
    return Verdict::kEnded;
  }
  Observation& observation = it->second;
  if (observation.notified &&
      !IsFresher(observation.sequence, observation.received, *sequence, now)) {
    return Verdict::kStale;
  }
  observation.notified = true;
  observation.sequence = *sequence;
  observation.received = now;
  return Verdict::kDeliver;
}

bool ObservationTable::Cancel(const Peer& peer, std::span<const std::uint8_t> token) {
  auto key = MakeKey(peer, token);
  auto it = key ? observations_.find(*key) : observations_.end();
  if (it == observations_.end()) return false;
  Erase(it);
  return true;
}

std::optional<Message> ObservationTable::CancelRequest(const Peer& peer,
                                                       std::span<const std::uint8_t> token) const {
  auto key = MakeKey(peer, token);
  auto it = key ? observations_.find(*key) : observations_.end();
  if (it == observations_.end()) return std::nullopt;
  return ActiveCancelRequest(it->second.registration);
}

bool ObservationTable::Contains(const Peer& peer, std::span<const std::uint8_t> token) const {
  auto key = MakeKey(peer, token);
  return key && observations_.contains(*key);
}

std::size_t ObservationTable::SizeFor(const Peer& peer) const {
  auto it = per_peer_.find(peer);
  return it == per_peer_.end() ? 0 : it->second;
}

void ObservationTable::Erase(Observations::iterator it) {
  auto count = per_peer_.find(it->first.peer);
  if (--count->second == 0) per_peer_.erase(count);
  observations_.erase(it);
}

}  // namespace custos::coap
