#include "sim_sockets.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace custos::sim {
namespace {

constexpr int kSocketBuffer = 8 << 20;  // the kernel caps it at net.core.[rw]mem_max
constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in_pktinfo));

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

struct SimSockets::OutBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> destinations{};
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize>, kBatch> control{};
  std::size_t count = 0;
};

struct SimSockets::InBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> sources{};
  std::array<std::array<std::uint8_t, 2048>, kBatch> data{};
  alignas(cmsghdr) std::array<std::array<std::uint8_t, kControlSize + 64>, kBatch> control{};
  std::array<Incoming, kBatch> datagrams{};
};

SimSockets::SimSockets(const coap_bench::EndpointSpace& space, std::size_t endpoints)
    : space_(space), endpoints_(endpoints), in_(std::make_unique<InBatch>()) {}

core::Result<std::unique_ptr<SimSockets>> SimSockets::Open(const coap_bench::EndpointSpace& space,
                                                           std::size_t endpoints) {
  if (endpoints > space.Capacity()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "more endpoints than the sockets' address space holds");
  }
  std::unique_ptr<SimSockets> sockets(new SimSockets(space, endpoints));
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

SimSockets::~SimSockets() {
  for (const int fd : fds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void SimSockets::Send(std::uint32_t endpoint, Address to, std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxDatagram || endpoint >= endpoints_) {
    ++send_errors_;
    return;
  }
  const std::size_t index = space_.SocketOf(endpoint);
  OutBatch& batch = *out_[index];
  const std::size_t i = batch.count++;
  std::memcpy(batch.data[i].data(), bytes.data(), bytes.size());
  batch.iov[i] = iovec{batch.data[i].data(), bytes.size()};
  sockaddr_in& destination = batch.destinations[i];
  destination = sockaddr_in{};
  destination.sin_family = AF_INET;
  destination.sin_addr.s_addr = htonl(to.ip);
  destination.sin_port = htons(to.port);

  // The source address of this one datagram: the endpoint's own.
  auto& control = batch.control[i];
  std::memset(control.data(), 0, control.size());
  auto* cmsg = reinterpret_cast<cmsghdr*>(control.data());
  cmsg->cmsg_level = IPPROTO_IP;
  cmsg->cmsg_type = IP_PKTINFO;
  cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_spec_dst.s_addr = htonl(space_.AddressOf(endpoint));
  std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);

  msghdr& header = batch.headers[i].msg_hdr;
  header = msghdr{};
  header.msg_name = &destination;
  header.msg_namelen = sizeof destination;
  header.msg_iov = &batch.iov[i];
  header.msg_iovlen = 1;
  header.msg_control = control.data();
  header.msg_controllen = kControlSize;
  if (batch.count == kBatch) FlushSocket(index);
}

void SimSockets::FlushSocket(std::size_t index) {
  OutBatch& batch = *out_[index];
  std::size_t done = 0;
  while (done < batch.count) {
    const int n =
        sendmmsg(fds_[index], &batch.headers[done], static_cast<unsigned>(batch.count - done), 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      sent_ += static_cast<std::uint64_t>(n);
    } else if (errno == EAGAIN || errno == EINTR) {
      // The send buffer is full: wait for room rather than drop.
      pollfd writable{fds_[index], POLLOUT, 0};
      poll(&writable, 1, 10);
    } else {
      // This datagram is refused (retransmission covers confirmable ones); skip it.
      ++send_errors_;
      ++done;
    }
  }
  batch.count = 0;
}

void SimSockets::Flush() {
  for (std::size_t i = 0; i < out_.size(); ++i) {
    if (out_[i]->count > 0) FlushSocket(i);
  }
}

std::span<const Incoming> SimSockets::Receive(std::size_t index) {
  InBatch& batch = *in_;
  std::size_t kept = 0;
  // A batch wholly for strangers is skipped, so that empty means nothing waits.
  while (kept == 0) {
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
      std::uint32_t destination = 0;
      for (const cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr;
           cmsg = CMSG_NXTHDR(const_cast<msghdr*>(&header), const_cast<cmsghdr*>(cmsg))) {
        if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
          in_pktinfo info{};
          std::memcpy(&info, CMSG_DATA(cmsg), sizeof info);
          destination = ntohl(info.ipi_addr.s_addr);
        }
      }
      const auto endpoint = space_.EndpointAt(index, destination, endpoints_);
      if (!endpoint) continue;
      Incoming& datagram = batch.datagrams[kept++];
      datagram.endpoint = *endpoint;
      datagram.source =
          Address{ntohl(batch.sources[i].sin_addr.s_addr), ntohs(batch.sources[i].sin_port)};
      datagram.bytes =
          std::span<const std::uint8_t>(batch.data[i].data(), batch.headers[i].msg_len);
    }
  }
  return std::span<const Incoming>(batch.datagrams.data(), kept);
}

}  // namespace custos::sim
