// Stateless cookies (RFC 6347 §4.2.1): the first ClientHello from an address is answered
// with a HelloVerifyRequest whose cookie is an HMAC of the address under a secret key, and
// only a ClientHello that echoes a valid cookie may create a session. Nothing is stored
// per address. Internal to coap/dtls.
#pragma once

#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include <chrono>
#include <optional>

#include "coap/dtls/gnutls_handles.h"
#include "coap/dtls/output.h"
#include "coap/dtls/record.h"
#include "coap/peer.h"
#include "coap/transmission.h"
#include "core/error.h"

namespace custos::coap::dtls::detail {

class CookieGate {
 public:
  // A gate with a fresh random key. kInternal if GnuTLS cannot make one.
  static core::Result<CookieGate> Create(std::chrono::seconds key_lifetime);

  // Whether `hello` echoes a cookie made for `peer` with the current or the previous key.
  // On success `prestate` holds the sequence numbers the new session must continue from.
  bool Verify(const Peer& peer, const ClientHelloRecord& hello, gnutls_dtls_prestate_st& prestate);

  // Appends a HelloVerifyRequest for `peer` to `out`; false if GnuTLS failed to make one.
  bool SendRequest(const Peer& peer, const ClientHelloRecord& hello, Output& out);

  // Replaces the key when its lifetime has ended at `now` (the first call only starts the
  // clock), keeping the previous one for cookies already handed out.
  void Rotate(TimePoint now);
  std::optional<TimePoint> next_rotation() const { return next_rotation_; }

 private:
  explicit CookieGate(std::chrono::seconds key_lifetime) : key_lifetime_(key_lifetime) {}

  std::chrono::seconds key_lifetime_;
  SecretDatum current_;
  SecretDatum previous_;
  std::optional<TimePoint> next_rotation_;
};

}  // namespace custos::coap::dtls::detail
