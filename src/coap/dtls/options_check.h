// Validation of SessionOptions shared by Server::Create and Client::Create. Internal.
#pragma once

#include "coap/dtls/session_options.h"
#include "core/error.h"

namespace custos::coap::dtls::detail {

// The smallest and largest MTU accepted: a ClientHello must fit, and GnuTLS caps records
// at 2^14 bytes.
inline constexpr std::size_t kMinMtu = 256;
inline constexpr std::size_t kMaxMtu = 16'384;

// kInvalidArgument for an MTU outside [kMinMtu, kMaxMtu], a time-out that is not positive
// or beyond GnuTLS's range (a 32-bit count of milliseconds), max_sessions of 0, or a
// suite that is not one of kAllCipherSuites.
core::Result<void> CheckSessionOptions(const SessionOptions& options);

}  // namespace custos::coap::dtls::detail
