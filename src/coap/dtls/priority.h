// GnuTLS priority strings for our suites, and the way back from a negotiated cipher to a
// CipherSuite. Internal to coap/dtls.
#pragma once

#include <gnutls/gnutls.h>

#include <optional>
#include <span>
#include <string>

#include "coap/dtls/cipher_suite.h"
#include "coap/dtls/gnutls_handles.h"
#include "core/error.h"

namespace custos::coap::dtls::detail {

// "NONE:+VERS-DTLS1.2:+PSK:+AES-128-CCM-8:...:+AEAD:+SIGN-ALL:+COMP-NULL": DTLS 1.2 only,
// plain PSK key exchange only, AEAD ciphers only, in the order given (all when empty).
// GnuTLS insists on a signature algorithm in the list although PSK signs nothing.
std::string PriorityString(std::span<const CipherSuite> suites);

// The compiled priority cache; kInvalidArgument if GnuTLS refuses the string.
core::Result<PriorityHandle> MakePriority(std::span<const CipherSuite> suites);

// The suite of a session whose handshake completed; nullopt before.
std::optional<CipherSuite> NegotiatedSuite(gnutls_session_t session);

}  // namespace custos::coap::dtls::detail
