// Batched datagram I/O on a non-blocking UDP socket: recvmmsg reads up to `capacity`
// datagrams per system call, sendmmsg writes every queued one. Under load one wake-up of
// an I/O thread then costs two system calls, not two per datagram.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "coap/coap.h"
#include "core/error.h"

namespace custos::coap::transport {

struct ReceivedDatagram {
  Peer peer;
  std::span<const std::uint8_t> bytes;  // at most max_datagram + 1 bytes
  bool truncated = false;               // the datagram was larger than max_datagram
};

class ReceiveBatch {
 public:
  // Each buffer holds max_datagram + 1 bytes, so that a datagram over the limit is seen
  // as one (even where the kernel does not flag MSG_TRUNC).
  ReceiveBatch(std::size_t capacity, std::size_t max_datagram);

  // Reads the datagrams waiting on `fd` without blocking: how many (0 when none). The
  // previous batch's datagrams are invalid afterwards. kInternal with the system's reason
  // on a socket error.
  core::Result<std::size_t> Receive(int fd);
  const ReceivedDatagram& operator[](std::size_t i) const { return datagrams_[i]; }
  std::size_t capacity() const { return headers_.size(); }

 private:
  std::size_t buffer_size_;
  std::vector<std::uint8_t> buffers_;
  std::vector<sockaddr_storage> sources_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> headers_;
  std::vector<ReceivedDatagram> datagrams_;
};

class SendQueue {
 public:
  // `family`: AF_INET or AF_INET6, that of the socket the queue is flushed to.
  explicit SendQueue(int family) : family_(family) {}

  // Queues a copy of `bytes` for `peer`; false when the peer cannot be reached from the
  // socket's family (an IPv6 peer from an IPv4 socket).
  bool Add(const Peer& peer, std::span<const std::uint8_t> bytes);

  struct Flushed {
    std::size_t sent = 0;
    std::size_t failed = 0;  // dropped: socket buffer full or destination unreachable
  };
  // Writes every queued datagram without blocking and empties the queue. A datagram the
  // kernel refuses is dropped (UDP is lossy; a CON is retransmitted anyway).
  Flushed Flush(int fd);
  bool empty() const { return items_.empty(); }

 private:
  struct Item {
    sockaddr_storage address;
    socklen_t address_length;
    std::size_t offset;
    std::size_t size;
  };

  int family_;
  std::vector<Item> items_;
  std::vector<std::uint8_t> bytes_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> headers_;
};

}  // namespace custos::coap::transport
