// Both roles of DTLS on one I/O thread's socket: the dtls::Server that devices open
// sessions with, the dtls::Client for sessions this endpoint opens itself (when
// DtlsSettings has a client identity and key), which of the two holds each peer, and the
// established sessions bound to each PSK identity. Not thread-safe: only the worker's
// thread calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "coap/coap.h"
#include "coap/dtls/dtls.h"
#include "coap/transport/endpoint.h"

namespace custos::coap::transport {

// The most a DTLS 1.2 record adds to its plaintext with our suites: a 13-byte header, an
// 8-byte explicit nonce and a 16-byte tag (GCM and CCM; CCM_8 needs 8 fewer). A CoAP
// message of at most mtu minus this always fits in one record.
inline constexpr std::size_t kDtlsRecordOverhead = 13 + 8 + 16;

class DtlsSessions {
 public:
  // `max_sessions` bounds each role. Without a psk_lookup the server role refuses every
  // handshake. kInvalidArgument for settings the DTLS layer refuses (an MTU out of range,
  // a time-out that is not positive).
  static core::Result<std::unique_ptr<DtlsSessions>> Create(const DtlsSettings& settings,
                                                            std::size_t max_sessions);

  // A datagram from `peer`: for the client role when this side opened the session with
  // `peer`, otherwise for the server role (which creates no state before a valid cookie).
  // The identity index follows the output's events before it is returned.
  dtls::Output Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now);
  // Handshake retransmissions and time-outs of both roles due at `now`.
  dtls::Output Tick(TimePoint now);
  std::optional<TimePoint> NextDeadline() const;

  // One record carrying `plaintext` for the session with `peer`, whichever role holds it;
  // errors as dtls::Server::Seal (kNotFound without a session).
  core::Result<std::vector<std::uint8_t>> Seal(const Peer& peer,
                                               std::span<const std::uint8_t> plaintext);

  // kHandshaking only for a handshake this side started (client role); a device's
  // handshake in progress counts as kNone.
  enum class State { kNone, kHandshaking, kEstablished };
  State StateOf(const Peer& peer) const;
  // Whether this side may open sessions: DtlsSettings has a client identity and key.
  bool can_connect() const { return client_ != nullptr; }
  // Opens a session with `peer` in the client role; returns the ClientHello to send.
  // kUnavailable without client credentials; otherwise as dtls::Client::Connect.
  core::Result<dtls::Output> Connect(const Peer& peer, TimePoint now);

  // The PSK identity of the established session with `peer` (the device's in the server
  // role, ours in the client role); nullptr if there is none.
  const std::string* Identity(const Peer& peer) const;
  // The peers whose established sessions are bound to `identity`.
  std::vector<Peer> PeersOf(std::string_view identity) const;

  // Ends the session with `peer` with a close_notify to send (none while handshaking).
  dtls::Output Close(const Peer& peer);
  // Drops the session with `peer` silently.
  void Forget(const Peer& peer);

  dtls::Stats stats() const;     // both roles summed
  std::size_t sessions() const;  // both roles, handshaking and established

 private:
  DtlsSessions(std::unique_ptr<dtls::Server> server, std::unique_ptr<dtls::Client> client,
               std::string client_identity, std::vector<std::uint8_t> client_key);
  void Track(const dtls::Output& out, bool client_role);
  void Untrack(const Peer& peer);

  std::unique_ptr<dtls::Server> server_;
  std::unique_ptr<dtls::Client> client_;  // null without client credentials
  std::string client_identity_;
  std::vector<std::uint8_t> client_key_;
  // Peers this side opened a session with, handshaking or established.
  std::unordered_set<Peer> client_peers_;
  std::unordered_map<std::string, std::unordered_set<Peer>> by_identity_;
};

}  // namespace custos::coap::transport
