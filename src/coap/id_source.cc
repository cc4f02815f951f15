#include "coap/id_source.h"

#include <string>

#include "coap/message.h"

namespace custos::coap {

std::uint16_t MessageIdSource::Next(const Peer& peer, std::uint16_t random_start) {
  auto [it, inserted] = next_.try_emplace(peer, random_start);
  return it->second++;  // wraps: unsigned 16-bit arithmetic
}

core::Result<TokenSource> TokenSource::Create(std::size_t length) {
  if (length < 1 || length > kMaxTokenLength) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "token length must be 1 to 8 bytes, not " + std::to_string(length));
  }
  return TokenSource(length);
}

core::Result<std::vector<std::uint8_t>> TokenSource::Next(
    std::span<const std::uint8_t> random) const {
  if (random.size() < length_) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "a token of " + std::to_string(length_) + " bytes needs as many " +
                               "random bytes, got " + std::to_string(random.size()));
  }
  return std::vector<std::uint8_t>(random.begin(), random.begin() + length_);
}

}  // namespace custos::coap
