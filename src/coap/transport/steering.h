// Which thread serves a peer. All the endpoint's sockets share one port (SO_REUSEPORT);
// a classic BPF program attached to the group picks the socket for each datagram from a
// hash of its source address and port, and SteeringIndex computes the same hash in C++, so
// a request the endpoint sends to a peer leaves from the thread its answers arrive on.
#pragma once

#include <cstddef>
#include <cstdint>

#include "coap/coap.h"
#include "core/error.h"

namespace custos::coap::transport {

// The hash of a peer's source address and port, as the BPF program computes it: the
// address as a big-endian 32-bit word (IPv6: the xor of its four words) xor the port, then
// multiplied by 0x9E3779B1 and folded (h ^ h >> 16), all in 32-bit arithmetic.
std::uint32_t SteeringHash(const Peer& peer);

// The index of the thread (0 .. threads-1) whose socket receives the peer's datagrams.
inline std::size_t SteeringIndex(const Peer& peer, std::size_t threads) {
  return threads <= 1 ? 0 : SteeringHash(peer) % threads;
}

// Attaches the steering program to the reuseport group of the bound UDP socket `fd`
// (SO_ATTACH_REUSEPORT_CBPF); the group's sockets are indexed in the order they were
// bound. It reads the IP version from the network header (so a dual-stack socket steers
// IPv4 datagrams too), the IPv4 source at +12 and the UDP source port after the IPv4
// header (its length from IHL), or the IPv6 source at +8 and the port at +40 (no extension
// headers). kUnavailable, with the system's reason, when the kernel refuses it.
core::Result<void> AttachSteering(int fd, std::size_t threads);

}  // namespace custos::coap::transport
