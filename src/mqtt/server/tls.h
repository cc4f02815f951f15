// The TLS side of the endpoint: the server's OpenSSL context from TlsOptions. Internal to the
// mqtt/server module.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "core/error.h"
#include "mqtt/server/options.h"

namespace custos::mqtt::server {

// TLS 1.2 and later with the certificate chain and key of `options`. A client certificate is
// asked for; with client_ca_file it must chain to one of those CAs, without it any
// certificate is taken (the fingerprint authenticates the device); with
// require_client_certificate a client without one fails the handshake. kUnavailable naming
// the file when a certificate, key or CA file cannot be loaded.
core::Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(const TlsOptions& options);

}  // namespace custos::mqtt::server
