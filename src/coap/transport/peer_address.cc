#include "coap/transport/peer_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace custos::coap::transport {
namespace {

constexpr std::uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<Peer> PeerFromSockaddr(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &v4.sin_addr, 4);
    return Peer::V4(bytes, ntohs(v4.sin_port));
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&v6.sin6_addr);
    if (std::equal(std::begin(kV4MappedPrefix), std::end(kV4MappedPrefix), raw)) {
      return Peer::V4({raw[12], raw[13], raw[14], raw[15]}, ntohs(v6.sin6_port));
    }
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), raw, 16);
    return Peer::V6(bytes, ntohs(v6.sin6_port));
  }
  return std::nullopt;
}

socklen_t ToSockaddr(const Peer& peer, int family, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (family == AF_INET) {
    if (peer.address_size != 4) return 0;
    auto& v4 = reinterpret_cast<sockaddr_in&>(out);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(peer.port);
    std::memcpy(&v4.sin_addr, peer.address.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto& v6 = reinterpret_cast<sockaddr_in6&>(out);
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(peer.port);
  auto* raw = reinterpret_cast<std::uint8_t*>(&v6.sin6_addr);
  if (peer.address_size == 4) {
    std::copy(std::begin(kV4MappedPrefix), std::end(kV4MappedPrefix), raw);
    std::memcpy(raw + 12, peer.address.data(), 4);
  } else {
    std::memcpy(raw, peer.address.data(), 16);
  }
  return sizeof(sockaddr_in6);
}

}  // namespace custos::coap::transport
