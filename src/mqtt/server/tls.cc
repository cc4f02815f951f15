#include "mqtt/server/tls.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mqtt/server/stream_connection.h"

namespace custos::mqtt::server {

namespace ssl = boost::asio::ssl;

namespace {

core::Result<void> Load(const char* what, const std::string& file,
                        const std::function<void(boost::system::error_code&)>& load) {
  boost::system::error_code ec;
  load(ec);
  if (ec) {
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        fmt::format("mqtt: cannot load the TLS {} {}: {}", what, file, ec.message()));
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<ssl::context>> MakeTlsContext(const TlsOptions& options) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  if (auto ok = Load("certificate", options.cert_file,
                     [&](auto& ec) { context->use_certificate_chain_file(options.cert_file, ec); });
      !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = Load("key", options.key_file,
                     [&](auto& ec) {
                       context->use_private_key_file(options.key_file, ssl::context::pem, ec);
                     });
      !ok) {
    return tl::unexpected(ok.error());
  }
  const bool chain_required = !options.client_ca_file.empty();
  if (chain_required) {
    if (auto ok = Load("client CA file", options.client_ca_file,
                       [&](auto& ec) { context->load_verify_file(options.client_ca_file, ec); });
        !ok) {
      return tl::unexpected(ok.error());
    }
  }
  ssl::verify_mode mode = ssl::verify_peer;
  if (options.require_client_certificate) mode |= ssl::verify_fail_if_no_peer_cert;
  context->set_verify_mode(mode);
  // Without CAs, any certificate is taken here; the fingerprint decides who it is.
  context->set_verify_callback([chain_required](bool preverified, ssl::verify_context&) noexcept {
    return chain_required ? preverified : true;
  });
  // Asking for client certificates needs a session id context, or resumption fails.
  static constexpr unsigned char kSessionContext[] = "custos-mqtt";
  SSL_CTX_set_session_id_context(context->native_handle(), kSessionContext,
                                 sizeof kSessionContext - 1);
  return context;
}

std::string PeerCertificateFingerprint(TlsStream& stream) {
  X509* cert = SSL_get1_peer_certificate(stream.native_handle());
  if (cert == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), digest, &length) == 1;
  X509_free(cert);
  if (!ok) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace custos::mqtt::server
