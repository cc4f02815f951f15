// A plain UDP socket on the loopback address playing the other end of a CoAP exchange in
// tests, so that they assert the exact bytes the endpoint sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "coap/coap.h"

namespace custos::coap::testing {

using namespace std::chrono_literals;

class UdpPeer {
 public:
  // Bound to 127.0.0.1 (or ::1) on a free port.
  explicit UdpPeer(bool ipv6 = false);
  ~UdpPeer();
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  // This socket as the endpoint sees it.
  Peer self() const { return self_; }
  void Send(std::uint16_t port, std::span<const std::uint8_t> bytes);
  void Send(std::uint16_t port, const Message& message) { Send(port, Encode(message)); }
  // The next datagram, waiting at most `timeout`; nullopt when none came.
  std::optional<std::vector<std::uint8_t>> Receive(std::chrono::milliseconds timeout = 5s);
  // The next datagram decoded; nullopt when none came or it does not decode.
  std::optional<Message> ReceiveMessage(std::chrono::milliseconds timeout = 5s);
  // The source port of the last datagram received.
  std::uint16_t last_source_port() const { return last_source_port_; }

 private:
  int fd_ = -1;
  bool ipv6_ = false;
  Peer self_;
  std::uint16_t last_source_port_ = 0;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s);

Message MakeMessage(Type type, Code code, std::uint16_t message_id,
                    std::vector<std::uint8_t> token = {}, std::string_view path = {},
                    std::string_view payload = {});

std::vector<std::uint8_t> Bytes(std::string_view text);

}  // namespace custos::coap::testing
