// Message ids and tokens for outgoing requests (RFC 7252 §4.4, §5.3.1). Randomness comes
// from the caller, so the sources stay pure and tests can fix it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "coap/peer.h"
#include "core/error.h"

namespace custos::coap {

// One 16-bit counter per peer (§4.4: ids need only be unique per endpoint). A counter
// starts at a random value, so that a restarted server does not reuse the ids of its
// previous run, and counts up, wrapping from 65535 to 0. Reuse within EXCHANGE_LIFETIME
// would take 65536 messages to one peer in 247 s, far beyond what NSTART allows.
class MessageIdSource {
 public:
  // The next id for `peer`. For a peer it does not know, that is `random_start`; afterwards
  // `random_start` is ignored and each call gives one more than the last.
  std::uint16_t Next(const Peer& peer, std::uint16_t random_start);
  // Drops the peer's counter (when it deregisters); its next id starts afresh.
  void Forget(const Peer& peer) { next_.erase(peer); }
  std::size_t size() const { return next_.size(); }

 private:
  std::unordered_map<Peer, std::uint16_t> next_;
};

// Tokens of a fixed length of 1 to 8 bytes, taken from random bytes the caller supplies.
// §5.3.1 asks for at least 32 random bits when the exchange is not protected by DTLS;
// that is the caller's choice of length.
class TokenSource {
 public:
  // kInvalidArgument unless 1 <= length <= 8.
  static core::Result<TokenSource> Create(std::size_t length);

  // A token made of the first length() bytes of `random`; kInvalidArgument if fewer are
  // given.
  core::Result<std::vector<std::uint8_t>> Next(std::span<const std::uint8_t> random) const;
  std::size_t length() const { return length_; }

 private:
  explicit TokenSource(std::size_t length) : length_(length) {}
  std::size_t length_;
};

}  // namespace custos::coap
