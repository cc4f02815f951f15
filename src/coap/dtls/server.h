// The server role of DTLS 1.2 with pre-shared keys, sans I/O: the caller owns the socket
// and the clock, hands in every datagram a peer sent, and sends what comes back. One
// instance per I/O thread; not thread-safe. Sessions are keyed by coap::Peer.
//
// A datagram from an address without a session creates no state unless it is a
// ClientHello carrying a valid stateless cookie (RFC 6347 §4.2.1): a flood of spoofed
// ClientHellos costs one HelloVerifyRequest each and no memory.
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

#include "coap/dtls/cipher_suite.h"
#include "coap/dtls/output.h"
#include "coap/dtls/session_options.h"
#include "coap/dtls/stats.h"
#include "coap/peer.h"
#include "coap/transmission.h"
#include "core/error.h"

namespace custos::coap::dtls {

// The key for a PSK identity, or nullopt (or an empty key) to refuse the handshake. Called
// during Receive; it must be quick and must not call back into the Server.
using PskLookup =
    std::function<std::optional<std::vector<std::uint8_t>>(std::string_view identity)>;

struct ServerOptions : SessionOptions {
  PskLookup psk_lookup;  // required
  // The cookie key is random and replaced after this long; cookies made with the previous
  // key are still accepted, so a client in the middle of the exchange is not turned away.
  std::chrono::seconds cookie_key_lifetime{3'600};
};

class Server {
 public:
  // kInvalidArgument without a psk_lookup, with an MTU under 256 or over 16384, or with
  // no usable suite; kInternal if GnuTLS cannot allocate its state.
  static core::Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A datagram from `peer`. Returns the datagrams to send back (HelloVerifyRequest,
  // handshake flights, alerts), the plaintexts of the application records it carried and
  // the session events it caused. Never fails: whatever cannot be used is dropped and
  // counted in stats().records_dropped.
  Output Receive(const Peer& peer, std::span<const std::uint8_t> datagram, TimePoint now);

  // One application-data record carrying `plaintext` for the established session with
  // `peer`. kNotFound without a session, kFailedPrecondition while it is handshaking,
  // kPayloadTooLarge when the plaintext does not fit in one record under the MTU.
  core::Result<std::vector<std::uint8_t>> Seal(const Peer& peer,
                                               std::span<const std::uint8_t> plaintext);

  // Handshake retransmissions and time-outs due at `now`; call it at NextDeadline().
  Output Tick(TimePoint now);
  // When Tick next has work to do; nullopt when nothing is pending.
  std::optional<TimePoint> NextDeadline() const;

  // The PSK identity of the established session with `peer`; nullptr if there is none.
  // The pointer is valid until the next call that changes sessions.
  const std::string* Identity(const Peer& peer) const;
  // The suite of the established session with `peer`.
  std::optional<CipherSuite> Suite(const Peer& peer) const;

  // Ends the session with `peer`, returning its close_notify alert to send (none while
  // handshaking). No-op without a session.
  Output Close(const Peer& peer);
  // Drops the session with `peer` silently (the peer went idle); no-op without a session.
  void Forget(const Peer& peer);

  std::size_t sessions() const;  // handshaking and established
  Stats stats() const;

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::coap::dtls
