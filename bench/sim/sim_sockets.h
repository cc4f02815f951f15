// The simulator's UDP sockets: any datagram from any simulated endpoint, to any destination,
// and any datagram back with the endpoint it was addressed to. The layout is the CoAP
// benchmark's EndpointSpace (endpoint k sends from socket k % S and address
// 127.1.0.0 + k / S), so 100,000 endpoints need a handful of file descriptors. Datagrams go
// out in sendmmsg batches and come in recvmmsg batches. Not thread-safe: one thread drives it.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "coap_bench.h"
#include "core/error.h"

namespace custos::sim {

// An IPv4 address and port, host byte order.
struct Address {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  bool operator==(const Address&) const = default;
};

// One datagram received: the endpoint it was addressed to, its source and its bytes.
struct Incoming {
  std::uint32_t endpoint = 0;
  Address source;
  std::span<const std::uint8_t> bytes;
};

class SimSockets {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDatagram = 1500;

  // Opens space.sockets() sockets for `endpoints` endpoints. kUnavailable when one cannot be
  // made.
  static core::Result<std::unique_ptr<SimSockets>> Open(const coap_bench::EndpointSpace& space,
                                                        std::size_t endpoints);
  ~SimSockets();
  SimSockets(const SimSockets&) = delete;
  SimSockets& operator=(const SimSockets&) = delete;

  // An epoll descriptor on which every socket reports readability; its event data is the
  // socket's index.
  int epoll_fd() const { return epoll_fd_; }
  std::size_t socket_count() const { return fds_.size(); }

  // Queues `bytes` (at most kMaxDatagram) from `endpoint` to `to`; a batch that fills is sent
  // at once, the rest by Flush. Longer datagrams are counted as send errors.
  void Send(std::uint32_t endpoint, Address to, std::span<const std::uint8_t> bytes);
  void Flush();

  // Reads, without blocking, up to one batch of datagrams waiting on socket `index` that are
  // addressed to one of our endpoints; valid until the next call. Empty when none waits.
  std::span<const Incoming> Receive(std::size_t index);

  // The dotted address endpoint `endpoint` sends from.
  std::uint32_t AddressOf(std::uint32_t endpoint) const { return space_.AddressOf(endpoint); }

  std::uint64_t sent() const { return sent_; }
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  struct OutBatch;
  struct InBatch;

  SimSockets(const coap_bench::EndpointSpace& space, std::size_t endpoints);
  void FlushSocket(std::size_t index);

  coap_bench::EndpointSpace space_;
  std::size_t endpoints_;
  std::vector<int> fds_;
  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<OutBatch>> out_;
  std::unique_ptr<InBatch> in_;
  std::uint64_t sent_ = 0;
  std::uint64_t send_errors_ = 0;
};

}  // namespace custos::sim
