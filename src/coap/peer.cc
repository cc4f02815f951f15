#include "coap/peer.h"

#include <algorithm>
#include <cstdio>

namespace custos::coap {

Peer Peer::V4(std::array<std::uint8_t, 4> bytes, std::uint16_t port) {
  Peer peer;
  std::copy(bytes.begin(), bytes.end(), peer.address.begin());
  peer.address_size = 4;
  peer.port = port;
  return peer;
}

Peer Peer::V6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port) {
  Peer peer;
  peer.address = bytes;
  peer.address_size = 16;
  peer.port = port;
  return peer;
}

std::string ToString(const Peer& peer) {
  char buffer[64];
  const auto& a = peer.address;
  if (peer.address_size == 4) {
    std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], peer.port);
    return buffer;
  }
  std::string text = "[";
  for (int i = 0; i < 16; i += 2) {
    std::snprintf(buffer, sizeof buffer, "%s%x", i == 0 ? "" : ":", (a[i] << 8) | a[i + 1]);
    text += buffer;
  }
  std::snprintf(buffer, sizeof buffer, "]:%u", peer.port);
  return text + buffer;
}

}  // namespace custos::coap

namespace {

// FNV-1a: cheap, and good enough for addresses that attackers cannot choose freely anyway
// (a peer must complete a handshake or send from its own address to be keyed).
std::size_t Fnv1a(const std::uint8_t* data, std::size_t size, std::size_t hash) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::size_t std::hash<custos::coap::Peer>::operator()(
    const custos::coap::Peer& peer) const noexcept {
  std::size_t hash = 14695981039346656037ULL;
  hash = Fnv1a(peer.address.data(), std::min<std::size_t>(peer.address_size, 16), hash);
  const std::uint8_t port[2] = {static_cast<std::uint8_t>(peer.port >> 8),
                                static_cast<std::uint8_t>(peer.port)};
  return Fnv1a(port, 2, hash);
}

std::size_t std::hash<custos::coap::ExchangeKey>::operator()(
    const custos::coap::ExchangeKey& key) const noexcept {
  std::size_t hash = std::hash<custos::coap::Peer>{}(key.peer);
  const std::uint8_t mid[2] = {static_cast<std::uint8_t>(key.message_id >> 8),
                               static_cast<std::uint8_t>(key.message_id)};
  return Fnv1a(mid, 2, hash);
}
