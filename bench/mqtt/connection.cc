#include "connection.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace custos::mqtt_bench {
namespace {

core::Error SystemError(const char* what) {
  return core::Error{core::ErrorCode::kUnavailable, std::string(what) + ": " + std::strerror(errno),
                     std::nullopt};
}

}  // namespace

Connection::Connection(int fd, mqtt::Version version)
    : fd_(fd), framer_(mqtt::Framer::ForClient(version)) {}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      framer_(std::move(other.framer_)),
      out_(std::move(other.out_)),
      out_offset_(std::exchange(other.out_offset_, 0)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    framer_ = std::move(other.framer_);
    out_ = std::move(other.out_);
    out_offset_ = std::exchange(other.out_offset_, 0);
  }
  return *this;
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

core::Result<Connection> Connection::Start(const sockaddr_in& server, in_addr source,
                                           mqtt::Version version) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return tl::unexpected(SystemError("socket"));
  Connection connection(fd, version);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr = source;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return tl::unexpected(SystemError("bind"));
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 &&
      errno != EINPROGRESS) {
    return tl::unexpected(SystemError("connect"));
  }
  return connection;
}

core::Result<void> Connection::FinishConnect() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    return tl::unexpected(SystemError("getsockopt"));
  }
  if (error != 0) {
    errno = error;
    return tl::unexpected(SystemError("connect"));
  }
  return {};
}

void Connection::Queue(const mqtt::Packet& packet) {
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
  mqtt::EncodeTo(packet, framer_.version().value_or(mqtt::Version::kV5), out_);
}

core::Result<void> Connection::Flush() {
  while (out_offset_ < out_.size()) {
    const ssize_t n =
        ::send(fd_, out_.data() + out_offset_, out_.size() - out_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      out_offset_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return {};
    if (n < 0 && errno == EINTR) continue;
    return tl::unexpected(SystemError("send"));
  }
  out_.clear();
  out_offset_ = 0;
  return {};
}

core::Result<void> Connection::Receive(std::vector<mqtt::Packet>& packets) {
  std::array<std::uint8_t, 16384> buffer;
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      framer_.Feed(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
      for (;;) {
        auto next = framer_.Next();
        if (!next) return tl::unexpected(next.error());
        if (!*next) break;
        packets.push_back(std::move(**next));
      }
      if (static_cast<std::size_t>(n) < buffer.size()) return {};
      continue;
    }
    if (n == 0) {
      return core::MakeError(core::ErrorCode::kUnavailable, "the broker closed the connection");
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
    if (errno == EINTR) continue;
    return tl::unexpected(SystemError("recv"));
  }
}

}  // namespace custos::mqtt_bench
