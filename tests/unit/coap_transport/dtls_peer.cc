#include "dtls_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace custos::coap::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

sockaddr_in ToAddress(const Peer& peer) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  std::memcpy(&address.sin_addr, peer.address.data(), 4);
  address.sin_port = htons(peer.port);
  return address;
}

}  // namespace

DtlsPeer::DtlsPeer() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd_);
    throw std::runtime_error("bind");
  }
  self_ = Peer::V4({127, 0, 0, 1}, ntohs(address.sin_port));
  auto client = dtls::Client::Create();
  if (!client) throw std::runtime_error(client.error().message);
  client_ = std::move(*client);
}

DtlsPeer::~DtlsPeer() { ::close(fd_); }

bool DtlsPeer::Connect(std::uint16_t port, std::string_view identity, std::string_view key,
                       std::chrono::milliseconds timeout) {
  server_ = Peer::V4({127, 0, 0, 1}, port);
  const std::vector<std::uint8_t> key_bytes(key.begin(), key.end());
  auto hello = client_->Connect(server_, identity, key_bytes, SteadyClock::now());
  if (!hello) return false;
  const std::size_t seen = events_.size();
  Apply(std::move(*hello));
  Drive(SteadyClock::now() + timeout, [&] { return events_.size() > seen; });
  return established();
}

bool DtlsPeer::established() const { return client_->Established(server_); }

bool DtlsPeer::Send(const Message& message) {
  auto record = client_->Seal(server_, Encode(message));
  if (!record) return false;
  SendRaw(*record);
  return true;
}

void DtlsPeer::SendRaw(std::span<const std::uint8_t> bytes) {
  const sockaddr_in address = ToAddress(server_);
  (void)::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&address),
                 sizeof address);
}

std::optional<Message> DtlsPeer::Receive(std::chrono::milliseconds timeout) {
  Drive(SteadyClock::now() + timeout, [this] { return !received_.empty(); });
  if (received_.empty()) return std::nullopt;
  Message message = std::move(received_.front());
  received_.erase(received_.begin());
  return message;
}

bool DtlsPeer::WaitForEvent(dtls::EventKind kind, std::chrono::milliseconds timeout) {
  const auto seen = [this, kind] {
    return std::any_of(events_.begin(), events_.end(),
                       [kind](const dtls::Event& event) { return event.kind == kind; });
  };
  Drive(SteadyClock::now() + timeout, seen);
  return seen();
}

void DtlsPeer::Drive(SteadyClock::time_point deadline, const std::function<bool()>& done) {
  while (!done()) {
    const auto now = SteadyClock::now();
    if (now >= deadline) return;
    auto wake = deadline;
    if (auto next = client_->NextDeadline()) wake = std::min(wake, *next);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
    pollfd p{fd_, POLLIN, 0};
    (void)::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(wait.count(), 0) + 1));
    std::vector<std::uint8_t> buffer(65536);
    for (;;) {
      sockaddr_in source{};
      socklen_t length = sizeof source;
      const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&source), &length);
      if (n < 0) break;
      std::array<std::uint8_t, 4> address{};
      std::memcpy(address.data(), &source.sin_addr, 4);
      const Peer from = Peer::V4(address, ntohs(source.sin_port));
      Apply(client_->Receive(from, std::span(buffer.data(), static_cast<std::size_t>(n)),
                             SteadyClock::now()));
    }
    if (auto next = client_->NextDeadline(); next && *next <= SteadyClock::now()) {
      Apply(client_->Tick(SteadyClock::now()));
    }
  }
}

void DtlsPeer::Apply(dtls::Output out) {
  for (const auto& datagram : out.datagrams) {
    const sockaddr_in address = ToAddress(datagram.peer);
    (void)::sendto(fd_, datagram.bytes.data(), datagram.bytes.size(), 0,
                   reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
  for (auto& event : out.events) events_.push_back(std::move(event));
  for (const auto& plaintext : out.plaintexts) {
    if (auto message = Decode(plaintext.bytes)) received_.push_back(std::move(*message));
  }
}

}  // namespace custos::coap::testing
