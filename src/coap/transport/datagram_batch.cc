#include "coap/transport/datagram_batch.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "coap/transport/peer_address.h"

namespace custos::coap::transport {

ReceiveBatch::ReceiveBatch(std::size_t capacity, std::size_t max_datagram)
    : buffer_size_(max_datagram + 1),
      buffers_(capacity * buffer_size_),
      sources_(capacity),
      iovecs_(capacity),
      headers_(capacity),
      datagrams_(capacity) {
  for (std::size_t i = 0; i < capacity; ++i) {
    iovecs_[i] = iovec{buffers_.data() + i * buffer_size_, buffer_size_};
  }
}

core::Result<std::size_t> ReceiveBatch::Receive(int fd) {
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    msghdr& header = headers_[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &sources_[i];
    header.msg_namelen = sizeof(sockaddr_storage);
    header.msg_iov = &iovecs_[i];
    header.msg_iovlen = 1;
    headers_[i].msg_len = 0;
  }
  int received;
  do {
    received = recvmmsg(fd, headers_.data(), static_cast<unsigned>(headers_.size()), MSG_DONTWAIT,
                        nullptr);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("recvmmsg: ") + std::strerror(errno));
  }

  std::size_t kept = 0;
  for (int i = 0; i < received; ++i) {
    auto peer = PeerFromSockaddr(sources_[i]);
    if (!peer) continue;
    const std::size_t length = headers_[i].msg_len;
    const bool truncated =
        length >= buffer_size_ || (headers_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    datagrams_[kept++] =
        ReceivedDatagram{*peer,
                         std::span<const std::uint8_t>(buffers_.data() + i * buffer_size_,
                                                       std::min(length, buffer_size_)),
                         truncated};
  }
  return kept;
}

bool SendQueue::Add(const Peer& peer, std::span<const std::uint8_t> bytes) {
  Item item{};
  item.address_length = ToSockaddr(peer, family_, item.address);
  if (item.address_length == 0) return false;
  item.offset = bytes_.size();
  item.size = bytes.size();
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  items_.push_back(item);
  return true;
}

SendQueue::Flushed SendQueue::Flush(int fd) {
  Flushed flushed;
  const std::size_t count = items_.size();
  iovecs_.resize(count);
  headers_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    Item& item = items_[i];
    iovecs_[i] = iovec{bytes_.data() + item.offset, item.size};
    msghdr& header = headers_[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &item.address;
    header.msg_namelen = item.address_length;
    header.msg_iov = &iovecs_[i];
    header.msg_iovlen = 1;
  }
  std::size_t next = 0;
  while (next < count) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(count - next, 256));
    const int sent = sendmmsg(fd, headers_.data() + next, chunk, MSG_DONTWAIT);
    if (sent > 0) {
      next += static_cast<std::size_t>(sent);
      flushed.sent += static_cast<std::size_t>(sent);
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else {
      // The datagram at `next` was refused; the ones after it still get their chance.
      ++next;
      ++flushed.failed;
    }
  }
  items_.clear();
  bytes_.clear();
  return flushed;
}

}  // namespace custos::coap::transport
