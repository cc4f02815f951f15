// One DTLS association with one peer: a GnuTLS session in non-blocking datagram mode whose
// transport is this object. Pull hands GnuTLS the one datagram being processed (EAGAIN
// afterwards), push appends what GnuTLS sends to the Output of the current call, so a
// session never touches a socket. Internal to coap/dtls.
#pragma once

#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "coap/dtls/cipher_suite.h"
#include "coap/dtls/gnutls_handles.h"
#include "coap/dtls/output.h"
#include "coap/dtls/record.h"
#include "coap/dtls/server.h"
#include "coap/peer.h"
#include "core/error.h"

namespace custos::coap::dtls::detail {

// What every session of one Server or Client shares; it must outlive the sessions.
struct SessionConfig {
  gnutls_priority_t priority = nullptr;
  std::size_t mtu = 1280;
  std::chrono::milliseconds retransmit_timeout{1'000};
  std::chrono::milliseconds handshake_timeout{30'000};
  // Server role only.
  gnutls_psk_server_credentials_t server_credentials = nullptr;
  const PskLookup* psk_lookup = nullptr;
};

class Session {
 public:
  enum class State { kHandshaking, kEstablished, kEnded };

  // What one call to Drive did.
  struct Step {
    bool established = false;  // the handshake completed in this step
    bool ended = false;        // the session is over and must be dropped
    bool ended_in_handshake = false;
    bool timed_out = false;     // GnuTLS's own handshake time-out ended it
    std::string reason;         // why it ended
    std::uint64_t dropped = 0;  // records discarded in this step
  };

  // The server side of a handshake whose ClientHello passed the cookie check.
  static core::Result<std::unique_ptr<Session>> Accept(
      const Peer& peer, const SessionConfig& config, const gnutls_dtls_prestate_st& prestate,
      const std::array<std::uint8_t, kRandomSize>& client_random);
  // The client side; the first Drive sends the ClientHello.
  static core::Result<std::unique_ptr<Session>> Connect(const Peer& peer,
                                                        const SessionConfig& config,
                                                        std::string_view identity,
                                                        std::span<const std::uint8_t> key);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Gives `datagram` (may be empty: a timer) to GnuTLS and advances the handshake or reads
  // the application records it holds. Flights, alerts and plaintexts go to `out`. A
  // datagram that is not whole records, or is larger than GnuTLS's receive buffer, is
  // dropped before GnuTLS sees it.
  Step Drive(std::span<const std::uint8_t> datagram, Output& out);

  // One record carrying `plaintext`. kFailedPrecondition unless established,
  // kInvalidArgument when empty, kPayloadTooLarge when over the data MTU.
  core::Result<std::vector<std::uint8_t>> Seal(std::span<const std::uint8_t> plaintext);

  // Appends a close_notify alert to `out` when established; the session is over after.
  void Bye(Output& out);

  // Why the handshake did not finish in time: a plain time-out, or one after records from
  // the peer failed authentication, which during a handshake means a wrong key.
  std::string TimeoutReason() const;

  // Until GnuTLS wants to retransmit its last flight (by its own clock).
  std::chrono::milliseconds RetransmitIn() const;

  State state() const { return state_; }
  const Peer& peer() const { return peer_; }
  // The PSK identity (the server learns it from the ClientKeyExchange); empty before.
  const std::string& identity() const { return identity_; }
  std::optional<CipherSuite> suite() const { return suite_; }
  const std::array<std::uint8_t, kRandomSize>& client_random() const { return client_random_; }

  // GnuTLS callbacks; `context` is the Session.
  static int ServerPskKey(gnutls_session_t session, const gnutls_datum_t* username,
                          gnutls_datum_t* key) noexcept;

 private:
  Session(const Peer& peer, const SessionConfig& config) : peer_(peer), config_(&config) {}

  core::Result<void> Init(unsigned flags);
  void RunHandshake(Step& step);
  void ReadRecords(Step& step, Output& out);
  void End(int error, Step& step);
  std::string Reason(int error) const;
  void LearnIdentity();

  static ssize_t Push(gnutls_transport_ptr_t context, const giovec_t* iov, int count) noexcept;
  static ssize_t Pull(gnutls_transport_ptr_t context, void* buffer, size_t size) noexcept;
  static int PullTimeout(gnutls_transport_ptr_t context, unsigned int ms) noexcept;

  Peer peer_;
  const SessionConfig* config_;
  PskClientHandle client_credentials_;
  SessionHandle session_;
  State state_ = State::kHandshaking;
  std::string identity_;
  std::optional<CipherSuite> suite_;
  std::array<std::uint8_t, kRandomSize> client_random_{};
  std::string refusal_;  // why the PSK lookup refused the identity
  bool discarded_in_handshake_ = false;

  // Valid during one call only.
  std::span<const std::uint8_t> pending_;
  bool oversized_ = false;  // Pull refused pending_ as larger than GnuTLS's buffer
  Output* sink_ = nullptr;
};

}  // namespace custos::coap::dtls::detail
