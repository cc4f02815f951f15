#include "coap/body_source.h"

namespace custos::coap {

std::vector<std::uint8_t> DeriveETag(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (std::uint8_t b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3u;
  }
  std::vector<std::uint8_t> etag(8);
  for (int i = 7; i >= 0; --i) {
    etag[i] = static_cast<std::uint8_t>(hash);
    hash >>= 8;
  }
  return etag;
}

}  // namespace custos::coap
