// UDP sockets that send from many source addresses: each bound to 0.0.0.0 on its own
// ephemeral port, with IP_PKTINFO both ways, so one socket sends as many source addresses as
// it likes and tells which of them a datagram was addressed to. Datagrams go out in sendmmsg
// batches and come in recvmmsg batches. The load generator (EndpointSockets) and the
// simulator (custos-sim's SimSockets) both lay their endpoints out on it. Not thread-safe:
// one thread drives the whole set.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/error.h"

namespace custos::coap_bench {

// An IPv4 address and port, host byte order.
struct Address {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  bool operator==(const Address&) const = default;
};

// One datagram received: the address it was sent to (host byte order), its source and its
// bytes.
struct Received {
  std::uint32_t destination = 0;
  Address source;
  std::span<const std::uint8_t> bytes;
};

class MultiSourceSockets {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDatagram = 1500;

  // Opens `count` sockets with send and receive buffers of `buffer_bytes` (the kernel caps
  // them at net.core.[rw]mem_max). kUnavailable when one cannot be made.
  static core::Result<std::unique_ptr<MultiSourceSockets>> Open(std::size_t count,
                                                                int buffer_bytes);
  ~MultiSourceSockets();
  MultiSourceSockets(const MultiSourceSockets&) = delete;
  MultiSourceSockets& operator=(const MultiSourceSockets&) = delete;

  // An epoll descriptor on which every socket reports readability; its event data is the
  // socket's index.
  int epoll_fd() const { return epoll_fd_; }
  std::size_t socket_count() const { return fds_.size(); }

  // Queues `bytes` on socket `index`, sent from `source` (host byte order) to `to`; a batch
  // that fills is sent at once, the rest by Flush. A datagram longer than kMaxDatagram is
  // not sent and counts as a send error.
  void Send(std::size_t index, std::uint32_t source, const sockaddr_in& to,
            std::span<const std::uint8_t> bytes);
  void Flush();

  // Reads, without blocking, up to one batch of datagrams waiting on socket `index`; the
  // result stays valid until the next call. Empty when nothing is waiting.
  std::span<const Received> Receive(std::size_t index);

  std::uint64_t sent() const { return sent_; }
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  struct OutBatch;
  struct InBatch;

  MultiSourceSockets();
  void FlushSocket(std::size_t index);

  std::vector<int> fds_;
  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<OutBatch>> out_;
  std::unique_ptr<InBatch> in_;
  std::uint64_t sent_ = 0;
  std::uint64_t send_errors_ = 0;
};

}  // namespace custos::coap_bench
