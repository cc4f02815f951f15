#include "endpoint_sockets.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "wire.h"

namespace custos::coap_bench {
namespace {

constexpr int kSocketBuffer = 4 << 20;  // the kernel caps it at net.core.[rw]mem_max
constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in_pktinfo));
constexpr std::size_t kMaxDatagram = 2048;

core::Result<int> OpenSocket() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("socket: ") + std::strerror(errno));
  }
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
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

struct EndpointSockets::OutBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<std::array<std::uint8_t, kMaxRequestSize>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize>, kBatch> control{};
  std::size_t count = 0;
};

struct EndpointSockets::InBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> sources{};
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize + 64>, kBatch> control{};
  std::array<Datagram, kBatch> datagrams{};
};

EndpointSockets::EndpointSockets(const EndpointSpace& space, const sockaddr_in& server,
                                 Scenario scenario)
    : space_(space), server_(server), scenario_(scenario), in_(std::make_unique<InBatch>()) {}

core::Result<std::unique_ptr<EndpointSockets>> EndpointSockets::Open(const EndpointSpace& space,
                                                                     const sockaddr_in& server,
                                                                     Scenario scenario) {
  std::unique_ptr<EndpointSockets> sockets(new EndpointSockets(space, server, scenario));
  sockets->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (sockets->epoll_fd_ < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("epoll_create1: ") + std::strerror(errno));
  }
  for (std::size_t i = 0; i < space.sockets(); ++i) {
    auto fd = OpenSocket();
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

EndpointSockets::~EndpointSockets() {
  for (const int fd : fds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void EndpointSockets::Queue(const Send& send) {
  const std::size_t index = space_.SocketOf(send.endpoint);
  OutBatch& batch = *out_[index];
  const std::size_t i = batch.count++;
  std::size_t size = 0;
  if (send.ack) {
    // The empty ACK (RFC 7252 §4.2) of the server's separate response.
    const std::array<std::uint8_t, 4> ack = {0x60, 0x00,
                                             static_cast<std::uint8_t>(send.message_id >> 8),
                                             static_cast<std::uint8_t>(send.message_id)};
    std::copy(ack.begin(), ack.end(), batch.data[i].begin());
    size = ack.size();
  } else {
    size = EncodeRequest(scenario_, send.endpoint, send.message_id, batch.data[i]);
  }
  batch.iov[i] = iovec{batch.data[i].data(), size};

  // The source address of this one datagram: the endpoint's own.
  auto& control = batch.control[i];
  std::memset(control.data(), 0, control.size());
  auto* cmsg = reinterpret_cast<cmsghdr*>(control.data());
  cmsg->cmsg_level = IPPROTO_IP;
  cmsg->cmsg_type = IP_PKTINFO;
  cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_spec_dst.s_addr = htonl(space_.AddressOf(send.endpoint));
  std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);

  msghdr& header = batch.headers[i].msg_hdr;
  header = msghdr{};
  header.msg_name = &server_;
  header.msg_namelen = sizeof server_;
  header.msg_iov = &batch.iov[i];
  header.msg_iovlen = 1;
  header.msg_control = control.data();
  header.msg_controllen = kControlSize;
  if (batch.count == kBatch) FlushSocket(index);
}

void EndpointSockets::FlushSocket(std::size_t index) {
  OutBatch& batch = *out_[index];
  std::size_t done = 0;
  while (done < batch.count) {
    const int n =
        sendmmsg(fds_[index], &batch.headers[done], static_cast<unsigned>(batch.count - done), 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      sent_ += static_cast<std::uint64_t>(n);
    } else if (errno == EAGAIN || errno == EINTR) {
      // The send buffer is full: wait for room rather than drop (the window is bounded, so
      // this is rare and short).
      pollfd writable{fds_[index], POLLOUT, 0};
      poll(&writable, 1, 10);
    } else {
      // This datagram is refused (the retransmission timer will send it again); skip it.
      ++send_errors_;
      ++done;
    }
  }
  batch.count = 0;
}

void EndpointSockets::Flush() {
  for (std::size_t i = 0; i < out_.size(); ++i) {
    if (out_[i]->count > 0) FlushSocket(i);
  }
}

std::span<const Datagram> EndpointSockets::Receive(std::size_t index) {
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
  for (int i = 0; i < n; ++i) {
    const msghdr& header = batch.headers[static_cast<std::size_t>(i)].msg_hdr;
    Datagram& datagram = batch.datagrams[static_cast<std::size_t>(i)];
    const sockaddr_in& source = batch.sources[static_cast<std::size_t>(i)];
    datagram.bytes =
        std::span<const std::uint8_t>(batch.data[static_cast<std::size_t>(i)].data(),
                                      batch.headers[static_cast<std::size_t>(i)].msg_len);
    datagram.from_server = header.msg_namelen >= sizeof(sockaddr_in) &&
                           source.sin_family == AF_INET && source.sin_port == server_.sin_port &&
                           source.sin_addr.s_addr == server_.sin_addr.s_addr;
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
  return std::span<const Datagram>(batch.datagrams.data(), static_cast<std::size_t>(n));
}

}  // namespace custos::coap_bench
