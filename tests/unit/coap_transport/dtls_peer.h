// A device speaking CoAP over DTLS to the endpoint in tests: a UDP socket on 127.0.0.1
// and our sans-I/O dtls::Client, driven on the test's thread. Every wait is a poll with a
// deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "coap/coap.h"
#include "coap/dtls/dtls.h"
#include "udp_peer.h"

namespace custos::coap::testing {

class DtlsPeer {
 public:
  DtlsPeer();
  ~DtlsPeer();
  DtlsPeer(const DtlsPeer&) = delete;
  DtlsPeer& operator=(const DtlsPeer&) = delete;

  // This socket as the endpoint sees it.
  Peer self() const { return self_; }

  // Runs a handshake with the endpoint on 127.0.0.1:`port`: true once established, false
  // when it failed or did not end within `timeout`.
  bool Connect(std::uint16_t port, std::string_view identity, std::string_view key,
               std::chrono::milliseconds timeout = 5s);
  bool established() const;

  // Sends `message` sealed in the session.
  bool Send(const Message& message);
  // Sends bytes as they are, outside any record.
  void SendRaw(std::span<const std::uint8_t> bytes);
  // The next CoAP message that arrives in the session, driving the handshake layer
  // meanwhile; nullopt when none came within `timeout`.
  std::optional<Message> Receive(std::chrono::milliseconds timeout = 5s);
  // Drives the session until an event of `kind` has arrived (counting those already
  // seen); false when none came within `timeout`.
  bool WaitForEvent(dtls::EventKind kind, std::chrono::milliseconds timeout = 5s);
  const std::vector<dtls::Event>& events() const { return events_; }

 private:
  // Handles what arrives until `deadline` or until `done` holds.
  void Drive(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);
  void Apply(dtls::Output out);

  int fd_ = -1;
  Peer self_;
  Peer server_;
  std::unique_ptr<dtls::Client> client_;
  std::vector<dtls::Event> events_;
  std::vector<Message> received_;
};

}  // namespace custos::coap::testing
