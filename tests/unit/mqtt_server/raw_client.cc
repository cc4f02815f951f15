#include "raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace custos::mqtt::testing {

RawClient::~RawClient() { Drop(); }

bool RawClient::Open(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

mqtt::Connect RawClient::MakeConnect(Version version, std::string client_id,
                                     std::optional<std::string> username,
                                     std::optional<std::string> password) {
  mqtt::Connect c;
  c.version = version;
  c.client_id = std::move(client_id);
  c.keep_alive = 60;
  c.username = std::move(username);
  if (password) c.password = Bytes(password->begin(), password->end());
  return c;
}

std::optional<Connack> RawClient::Connect(const mqtt::Connect& connect,
                                          std::chrono::milliseconds timeout) {
  version_ = connect.version;
  framer_.emplace(Framer::ForClient(version_));
  Send(connect);
  return ReceiveA<Connack>(timeout);
}

void RawClient::Send(const Packet& packet) { SendBytes(Encode(packet, version_)); }

void RawClient::SendBytes(const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::optional<Packet> RawClient::Receive(std::chrono::milliseconds timeout) {
  if (!framer_) framer_.emplace(Framer::ForClient(version_));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto next = framer_->Next();
    if (!next) return std::nullopt;
    if (*next) return std::move(**next);
    if (closed_) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    std::uint8_t buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      continue;
    }
    framer_->Feed(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(n)));
  }
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    std::uint8_t buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) closed_ = true;
    if (n > 0 && framer_)
      framer_->Feed(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(n)));
  }
  return true;
}

void RawClient::Drop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace custos::mqtt::testing
