#include "udp_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

namespace custos::coap::testing {

UdpPeer::UdpPeer(bool ipv6) : ipv6_(ipv6) {
  fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  sockaddr_storage storage{};
  socklen_t length;
  if (ipv6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    length = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(storage);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof a;
  }
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    ::close(fd_);
    throw std::runtime_error("bind");
  }
  getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length);
  if (ipv6) {
    const auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &a.sin6_addr, 16);
    self_ = Peer::V6(bytes, ntohs(a.sin6_port));
  } else {
    self_ = Peer::V4({127, 0, 0, 1}, ntohs(reinterpret_cast<sockaddr_in&>(storage).sin_port));
  }
}

UdpPeer::~UdpPeer() { ::close(fd_); }

void UdpPeer::Send(std::uint16_t port, std::span<const std::uint8_t> bytes) {
  sockaddr_storage storage{};
  socklen_t length;
  if (ipv6_) {
    auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(port);
    length = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(storage);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    length = sizeof a;
  }
  ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&storage), length);
}

std::optional<std::vector<std::uint8_t>> UdpPeer::Receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  std::vector<std::uint8_t> buffer(65536);
  sockaddr_storage source{};
  socklen_t length = sizeof source;
  const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                               reinterpret_cast<sockaddr*>(&source), &length);
  if (n < 0) return std::nullopt;
  last_source_port_ =
      ntohs(source.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(source).sin6_port
                                         : reinterpret_cast<sockaddr_in&>(source).sin_port);
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

std::optional<Message> UdpPeer::ReceiveMessage(std::chrono::milliseconds timeout) {
  auto bytes = Receive(timeout);
  if (!bytes) return std::nullopt;
  auto message = Decode(*bytes);
  if (!message) return std::nullopt;
  return *message;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

Message MakeMessage(Type type, Code code, std::uint16_t message_id, std::vector<std::uint8_t> token,
                    std::string_view path, std::string_view payload) {
  Message message;
  message.type = type;
  message.code = code;
  message.message_id = message_id;
  message.token = std::move(token);
  if (!path.empty()) SetUriPath(message.options, path);
  message.payload = Bytes(payload);
  return message;
}

std::vector<std::uint8_t> Bytes(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

}  // namespace custos::coap::testing
