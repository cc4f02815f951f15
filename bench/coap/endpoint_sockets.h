// The load generator's UDP sockets: each bound to 0.0.0.0 on its own ephemeral port, with
// IP_PKTINFO both ways, so one socket sends as many source addresses as it likes and tells
// which of them a reply was addressed to. Datagrams go out in sendmmsg batches and come in
// recvmmsg batches. Not thread-safe: one thread drives the whole set.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/error.h"
#include "endpoint_space.h"
#include "exchange_window.h"
#include "wire.h"

namespace custos::coap_bench {

// One datagram received: the address it was sent to (host byte order) and its bytes.
struct Datagram {
  std::uint32_t destination = 0;
  std::span<const std::uint8_t> bytes;
  bool from_server = false;  // its source is the server we send to
};

class EndpointSockets {
 public:
  static constexpr std::size_t kBatch = 64;

  // Opens space.sockets() sockets aimed at `server`. kUnavailable when one cannot be made.
  static core::Result<std::unique_ptr<EndpointSockets>> Open(
      const EndpointSpace& space, const sockaddr_in& server, Scenario scenario = Scenario::kGet);
  ~EndpointSockets();
  EndpointSockets(const EndpointSockets&) = delete;
  EndpointSockets& operator=(const EndpointSockets&) = delete;

  // An epoll descriptor on which every socket reports readability; its event data is the
  // socket's index.
  int epoll_fd() const { return epoll_fd_; }

  // Queues the request of `send` on its endpoint's socket, from its endpoint's address;
  // a batch that fills is sent at once, the rest by Flush.
  void Queue(const Send& send);
  void Flush();

  // Reads, without blocking, up to one batch of datagrams waiting on socket `index`; the
  // result stays valid until the next call. Empty when nothing is waiting.
  std::span<const Datagram> Receive(std::size_t index);

  std::uint64_t sent() const { return sent_; }
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  struct OutBatch;
  struct InBatch;

  EndpointSockets(const EndpointSpace& space, const sockaddr_in& server, Scenario scenario);
  void FlushSocket(std::size_t index);

  EndpointSpace space_;
  sockaddr_in server_;
  Scenario scenario_;
  std::vector<int> fds_;
  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<OutBatch>> out_;
  std::unique_ptr<InBatch> in_;
  std::uint64_t sent_ = 0;
  std::uint64_t send_errors_ = 0;
};

}  // namespace custos::coap_bench
