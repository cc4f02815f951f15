#include "multi_source_sockets.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace custos::coap_bench {
namespace {

constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in_pktinfo));
constexpr std::size_t kMaxReceived = 2048;

core::Result<int> OpenSocket(int buffer_bytes) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("socket: ") + std::strerror(errno));
  }
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0 ||
      bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) {
    const int err = errno;
    close(fd);
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("bind 0.0.0.0:0: ") + std::strerror(err));
  }
  return fd;
}

}  // namespace

struct MultiSourceSockets::OutBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> destinations{};
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize>, kBatch> control{};
  std::size_t count = 0;
};

struct MultiSourceSockets::InBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> sources{};
  std::array<std::array<std::uint8_t, kMaxReceived>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize + 64>, kBatch> control{};
  std::array<Received, kBatch> datagrams{};
};

MultiSourceSockets::MultiSourceSockets() : in_(std::make_unique<InBatch>()) {}

core::Result<std::unique_ptr<MultiSourceSockets>> MultiSourceSockets::Open(std::size_t count,
                                                                           int buffer_bytes) {
  std::unique_ptr<MultiSourceSockets> sockets(new MultiSourceSockets());
  sockets->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (sockets->epoll_fd_ < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("epoll_create1: ") + std::strerror(errno));
  }
  for (std::size_t i = 0; i < count; ++i) {
    auto fd = OpenSocket(buffer_bytes);
    if (!fd) return tl::unexpected(fd.error());
    sockets->fds_.push_back(*fd);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    epoll_ctl(sockets->epoll_fd_, EPOLL_CTL_ADD, *fd, &event);
    sockets->out_.push_back(std::make_unique<OutBatch>());
  }
  return sockets;
}

MultiSourceSockets::~MultiSourceSockets() {
  for (const int fd : fds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void MultiSourceSockets::Send(std::size_t index, std::uint32_t source, const sockaddr_in& to,
                              std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxDatagram) {
    ++send_errors_;
    return;
  }
  OutBatch& batch = *out_[index];
  const std::size_t i = batch.count++;
  std::memcpy(batch.data[i].data(), bytes.data(), bytes.size());
  batch.iov[i] = iovec{batch.data[i].data(), bytes.size()};
  batch.destinations[i] = to;

  // The source address of this one datagram.
  auto& control = batch.control[i];
  std::memset(control.data(), 0, control.size());
  auto* cmsg = reinterpret_cast<cmsghdr*>(control.data());
  cmsg->cmsg_level = IPPROTO_IP;
  cmsg->cmsg_type = IP_PKTINFO;
  cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_spec_dst.s_addr = htonl(source);
  std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);

  msghdr& header = batch.headers[i].msg_hdr;
  header = msghdr{};
  header.msg_name = &batch.destinations[i];
  header.msg_namelen = sizeof(sockaddr_in);
  header.msg_iov = &batch.iov[i];
  header.msg_iovlen = 1;
  header.msg_control = control.data();
  header.msg_controllen = kControlSize;
  if (batch.count == kBatch) FlushSocket(index);
}

void MultiSourceSockets::FlushSocket(std::size_t index) {
  OutBatch& batch = *out_[index];
  std::size_t done = 0;
  while (done < batch.count) {
    const int n =
        sendmmsg(fds_[index], &batch.headers[done], static_cast<unsigned>(batch.count - done), 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      sent_ += static_cast<std::uint64_t>(n);
    } else if (errno == EAGAIN || errno == EINTR) {
      // The send buffer is full: wait for room rather than drop (the senders bound what they
      // have in flight, so this is rare and short).
      pollfd writable{fds_[index], POLLOUT, 0};
      poll(&writable, 1, 10);
    } else {
      // This datagram is refused (the senders' retransmission sends confirmable ones again);
      // skip it.
      ++send_errors_;
      ++done;
    }
  }
  batch.count = 0;
}

void MultiSourceSockets::Flush() {
  for (std::size_t i = 0; i < out_.size(); ++i) {
    if (out_[i]->count > 0) FlushSocket(i);
  }
}

std::span<const Received> MultiSourceSockets::Receive(std::size_t index) {
  InBatch& batch = *in_;
  for (std::size_t i = 0; i < kBatch; ++i) {
    batch.iov[i] = iovec{batch.data[i].data(), batch.data[i].size()};
    msghdr& header = batch.headers[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &batch.sources[i];
    header.msg_namelen = sizeof(sockaddr_in);
    header.msg_iov = &batch.iov[i];
    header.msg_iovlen = 1;
    header.msg_control = batch.control[i].data();
    header.msg_controllen = batch.control[i].size();
  }
  const int n = recvmmsg(fds_[index], batch.headers.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return {};
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    const msghdr& header = batch.headers[i].msg_hdr;
    const sockaddr_in& source = batch.sources[i];
    Received& datagram = batch.datagrams[i];
    datagram.bytes = std::span<const std::uint8_t>(batch.data[i].data(), batch.headers[i].msg_len);
    datagram.source = Address{};
    if (header.msg_namelen >= sizeof(sockaddr_in) && source.sin_family == AF_INET) {
      datagram.source = Address{ntohl(source.sin_addr.s_addr), ntohs(source.sin_port)};
    }
    datagram.destination = 0;
    for (const cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(const_cast<msghdr*>(&header), const_cast<cmsghdr*>(cmsg))) {
      if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(cmsg), sizeof info);
        datagram.destination = ntohl(info.ipi_addr.s_addr);
      }
    }
  }
  return std::span<const Received>(batch.datagrams.data(), static_cast<std::size_t>(n));
}

}  // namespace custos::coap_bench
