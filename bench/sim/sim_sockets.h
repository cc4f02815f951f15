// The simulator's UDP sockets: any datagram from any simulated endpoint, to any destination,
// and any datagram back with the endpoint it was addressed to. The CoAP benchmark's
// MultiSourceSockets laid out by its EndpointSpace (endpoint k sends from socket k % S and
// address 127.1.0.0 + k / S), so 100,000 endpoints need a handful of file descriptors. Not
// thread-safe: one thread drives it.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "coap_bench.h"
#include "core/error.h"

namespace custos::sim {

// An IPv4 address and port, host byte order.
using Address = coap_bench::Address;

// One datagram received: the endpoint it was addressed to, its source and its bytes.
struct Incoming {
  std::uint32_t endpoint = 0;
  Address source;
  std::span<const std::uint8_t> bytes;
};

class SimSockets {
 public:
  static constexpr std::size_t kBatch = coap_bench::MultiSourceSockets::kBatch;
  static constexpr std::size_t kMaxDatagram = coap_bench::MultiSourceSockets::kMaxDatagram;

  // Opens space.sockets() sockets for `endpoints` endpoints. kUnavailable when one cannot be
  // made.
  static core::Result<std::unique_ptr<SimSockets>> Open(const coap_bench::EndpointSpace& space,
                                                        std::size_t endpoints);
  SimSockets(const SimSockets&) = delete;
  SimSockets& operator=(const SimSockets&) = delete;

  // An epoll descriptor on which every socket reports readability; its event data is the
  // socket's index.
  int epoll_fd() const { return sockets_->epoll_fd(); }
  std::size_t socket_count() const { return sockets_->socket_count(); }

  // Queues `bytes` (at most kMaxDatagram) from `endpoint` to `to`; a batch that fills is sent
  // at once, the rest by Flush. Longer datagrams are counted as send errors.
  void Send(std::uint32_t endpoint, Address to, std::span<const std::uint8_t> bytes);
  void Flush() { sockets_->Flush(); }

  // Reads, without blocking, up to one batch of datagrams waiting on socket `index` that are
  // addressed to one of our endpoints; valid until the next call. Empty when none waits.
  std::span<const Incoming> Receive(std::size_t index);

  // The dotted address endpoint `endpoint` sends from.
  std::uint32_t AddressOf(std::uint32_t endpoint) const { return space_.AddressOf(endpoint); }

  std::uint64_t sent() const { return sockets_->sent(); }
  std::uint64_t send_errors() const { return sockets_->send_errors() + refused_; }

 private:
  SimSockets(const coap_bench::EndpointSpace& space, std::size_t endpoints,
             std::unique_ptr<coap_bench::MultiSourceSockets> sockets);

  coap_bench::EndpointSpace space_;
  std::size_t endpoints_;
  std::unique_ptr<coap_bench::MultiSourceSockets> sockets_;
  std::array<Incoming, kBatch> incoming_{};
  std::uint64_t refused_ = 0;  // datagrams from no endpoint of ours
};

}  // namespace custos::sim
