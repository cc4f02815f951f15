// How the load generator lays out its simulated CoAP endpoints. Each endpoint is a distinct
// (source address, source port): a few UDP sockets, each bound to 0.0.0.0 on its own port,
// and a source address per datagram chosen in 127.0.0.0/8 (sendmsg with IP_PKTINFO). A reply
// addressed to 127.a.b.c:port lands on the socket bound to that port, so the pair (socket,
// destination address) names the endpoint again. No file descriptor per endpoint, so a
// million endpoints fit under a per-process limit of a few thousand open files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace custos::coap_bench {

class EndpointSpace {
 public:
  // Addresses 127.1.0.0 .. 127.255.255.254 (host byte order): clear of 127.0.0.1, which the
  // servers listen on, and of the loopback broadcast address 127.255.255.255.
  static constexpr std::uint32_t kFirstAddress = 0x7f010000;
  static constexpr std::uint32_t kLastAddress = 0x7ffffffe;

  // `sockets` must be at least 1.
  explicit EndpointSpace(std::size_t sockets) : sockets_(sockets) {}

  // How many endpoints this many sockets can name (about 16.6 million per socket).
  std::size_t Capacity() const;
  std::size_t sockets() const { return sockets_; }

  // Endpoint k sends from socket k % sockets and from address kFirstAddress + k / sockets,
  // so consecutive endpoints spread over the sockets and a million endpoints on 4 sockets
  // use 250,000 addresses.
  std::size_t SocketOf(std::uint32_t endpoint) const { return endpoint % sockets_; }
  std::uint32_t AddressOf(std::uint32_t endpoint) const {
    return kFirstAddress + static_cast<std::uint32_t>(endpoint / sockets_);
  }

  // The endpoint that a datagram received on `socket`, addressed to `address` (host byte
  // order), belongs to; nullopt when the pair is outside the space or names an endpoint at
  // or above `endpoints`.
  std::optional<std::uint32_t> EndpointAt(std::size_t socket, std::uint32_t address,
                                          std::size_t endpoints) const;

 private:
  std::size_t sockets_;
};

}  // namespace custos::coap_bench
