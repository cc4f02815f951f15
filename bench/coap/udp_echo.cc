#include "udp_echo.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "host_port.h"

namespace custos::coap_bench {
namespace {

constexpr std::size_t kBatch = 64;
constexpr std::size_t kMaxDatagram = 2048;
constexpr int kSocketBuffer = 4 << 20;

core::Result<int> BindReusePort(sockaddr_in address) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("socket: ") + std::strerror(errno));
  }
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int err = errno;
    close(fd);
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "bind " + ToString(address) + ": " + std::strerror(err));
  }
  return fd;
}

// One thread's buffers: the datagrams received are sent back from the same memory.
struct EchoBatch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> sources{};
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data{};
};

class UdpEchoImpl final : public UdpEcho {
 public:
  UdpEchoImpl(std::vector<int> fds, int stop_fd, std::uint16_t port)
      : fds_(std::move(fds)), stop_fd_(stop_fd), port_(port) {
    for (const int fd : fds_) threads_.emplace_back([this, fd] { Serve(fd); });
  }
  ~UdpEchoImpl() override { Stop(); }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = write(stop_fd_, &one, sizeof one);
    for (auto& thread : threads_) thread.join();
    for (const int fd : fds_) close(fd);
    close(stop_fd_);
  }
  std::uint16_t port() const override { return port_; }
  std::uint64_t echoed() const override { return echoed_.load(std::memory_order_relaxed); }

 private:
  void Serve(int fd) {
    auto batch = std::make_unique<EchoBatch>();
    std::array<pollfd, 2> fds{pollfd{fd, POLLIN, 0}, pollfd{stop_fd_, POLLIN, 0}};
    while (true) {
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
      if ((fds[1].revents & POLLIN) != 0) return;
      while (true) {
        for (std::size_t i = 0; i < kBatch; ++i) {
          batch->iov[i] = iovec{batch->data[i].data(), batch->data[i].size()};
          msghdr& header = batch->headers[i].msg_hdr;
          header = msghdr{};
          header.msg_name = &batch->sources[i];
          header.msg_namelen = sizeof(sockaddr_in);
          header.msg_iov = &batch->iov[i];
          header.msg_iovlen = 1;
        }
        const int n = recvmmsg(fd, batch->headers.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0) break;
        // Send back exactly what came in: the length received, to its source.
        for (int i = 0; i < n; ++i) {
          const auto index = static_cast<std::size_t>(i);
          batch->iov[index].iov_len = batch->headers[index].msg_len;
        }
        int done = 0;
        while (done < n) {
          const int sent = sendmmsg(fd, &batch->headers[static_cast<std::size_t>(done)],
                                    static_cast<unsigned>(n - done), 0);
          if (sent > 0) {
            done += sent;
          } else if (errno == EAGAIN || errno == EINTR) {
            pollfd writable{fd, POLLOUT, 0};
            poll(&writable, 1, 10);
          } else {
            ++done;  // refused by the kernel: dropped, as the network would
          }
        }
        echoed_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
        if (n < static_cast<int>(kBatch)) break;
      }
    }
  }

  std::vector<int> fds_;
  int stop_fd_;
  std::uint16_t port_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> echoed_{0};
};

}  // namespace

core::Result<std::unique_ptr<UdpEcho>> UdpEcho::Start(const EchoOptions& options) {
  if (options.threads == 0) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "threads must be at least 1");
  }
  auto address = ParseHostPort(options.listen);
  if (!address) return tl::unexpected(address.error());
  std::vector<int> fds;
  auto close_all = [&fds] {
    for (const int fd : fds) close(fd);
  };
  for (std::size_t i = 0; i < options.threads; ++i) {
    auto fd = BindReusePort(*address);
    if (!fd) {
      close_all();
      return tl::unexpected(fd.error());
    }
    fds.push_back(*fd);
    if (i == 0) {
      // The other sockets join the port the first one got.
      socklen_t size = sizeof *address;
      getsockname(*fd, reinterpret_cast<sockaddr*>(&*address), &size);
    }
  }
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    close_all();
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("eventfd: ") + std::strerror(errno));
  }
  return std::make_unique<UdpEchoImpl>(std::move(fds), stop_fd, ntohs(address->sin_port));
}

}  // namespace custos::coap_bench
