// The load generator's UDP sockets: MultiSourceSockets with the endpoints laid out by an
// EndpointSpace (endpoint k sends from socket k % S and its own address), all aimed at one
// server; a request is encoded from its Send. Not thread-safe: one thread drives the set.
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
#include "multi_source_sockets.h"
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
  static constexpr std::size_t kBatch = MultiSourceSockets::kBatch;

  // Opens space.sockets() sockets aimed at `server`. kUnavailable when one cannot be made.
  static core::Result<std::unique_ptr<EndpointSockets>> Open(
      const EndpointSpace& space, const sockaddr_in& server, Scenario scenario = Scenario::kGet);
  EndpointSockets(const EndpointSockets&) = delete;
  EndpointSockets& operator=(const EndpointSockets&) = delete;

  // An epoll descriptor on which every socket reports readability; its event data is the
  // socket's index.
  int epoll_fd() const { return sockets_->epoll_fd(); }

  // Queues the request of `send` on its endpoint's socket, from its endpoint's address;
  // a batch that fills is sent at once, the rest by Flush.
  void Queue(const Send& send);
  void Flush() { sockets_->Flush(); }

  // Reads, without blocking, up to one batch of datagrams waiting on socket `index`; the
  // result stays valid until the next call. Empty when nothing is waiting.
  std::span<const Datagram> Receive(std::size_t index);

  std::uint64_t sent() const { return sockets_->sent(); }
  std::uint64_t send_errors() const { return sockets_->send_errors(); }

 private:
  EndpointSockets(const EndpointSpace& space, const sockaddr_in& server, Scenario scenario,
                  std::unique_ptr<MultiSourceSockets> sockets);

  EndpointSpace space_;
  sockaddr_in server_;
  Address server_address_;
  Scenario scenario_;
  std::unique_ptr<MultiSourceSockets> sockets_;
  std::array<Datagram, kBatch> datagrams_{};
};

}  // namespace custos::coap_bench
