// A blocking MQTT client on a plain socket, built on the codec, for tests that need bytes the
// independent clients will not send (malformed packets, unacknowledged QoS 1, topic aliases).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/mqtt.h"

namespace custos::mqtt::testing {

using namespace std::chrono_literals;

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects the socket to 127.0.0.1:port.
  bool Open(std::uint16_t port);
  // Sends the CONNECT and reads the answer: the CONNACK, or nullopt if the server closed.
  std::optional<Connack> Connect(const mqtt::Connect& connect,
                                 std::chrono::milliseconds timeout = 5s);
  // A CONNECT for `client_id` with user name and password.
  static mqtt::Connect MakeConnect(Version version, std::string client_id,
                                   std::optional<std::string> username,
                                   std::optional<std::string> password);

  void Send(const Packet& packet);
  void SendBytes(const std::vector<std::uint8_t>& bytes);
  // The next packet within `timeout`; nullopt on timeout or when the server closed.
  std::optional<Packet> Receive(std::chrono::milliseconds timeout = 5s);
  // The next packet of type T, skipping others; nullopt as Receive.
  template <class T>
  std::optional<T> ReceiveA(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto packet = Receive(left);
      if (!packet) return std::nullopt;
      if (auto* p = std::get_if<T>(&*packet)) return std::move(*p);
    }
  }
  // Whether the server closed the connection within `timeout` (packets before are skipped).
  bool WaitClosed(std::chrono::milliseconds timeout = 5s);
  bool closed() const { return closed_; }
  // Closes the socket at once, as a device losing power would (no DISCONNECT).
  void Drop();

 private:
  int fd_ = -1;
  bool closed_ = false;
  Version version_ = Version::kV5;
  std::optional<Framer> framer_;
};

}  // namespace custos::mqtt::testing
