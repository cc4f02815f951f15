#include "coap/dtls/priority.h"

namespace custos::coap::dtls::detail {
namespace {

const char* GnutlsCipherName(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::kPskAes128Ccm8:
      return "AES-128-CCM-8";
    case CipherSuite::kPskAes128Ccm:
      return "AES-128-CCM";
    case CipherSuite::kPskAes128Gcm:
      return "AES-128-GCM";
    case CipherSuite::kPskAes256Gcm:
      return "AES-256-GCM";
  }
  return "";
}

}  // namespace

std::string PriorityString(std::span<const CipherSuite> suites) {
  if (suites.empty()) suites = kAllCipherSuites;
  std::string text = "NONE:+VERS-DTLS1.2:+PSK";
  for (CipherSuite suite : suites) {
    text += ":+";
    text += GnutlsCipherName(suite);
  }
  text += ":+AEAD:+SIGN-ALL:+COMP-NULL";
  return text;
}

core::Result<PriorityHandle> MakePriority(std::span<const CipherSuite> suites) {
  const std::string text = PriorityString(suites);
  gnutls_priority_t priority = nullptr;
  const char* error_position = nullptr;
  const int rc = gnutls_priority_init2(&priority, text.c_str(), &error_position, 0);
  if (rc < 0) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        std::string("DTLS priority \"") + text + "\" refused: " + gnutls_strerror(rc));
  }
  return PriorityHandle(priority);
}

std::optional<CipherSuite> NegotiatedSuite(gnutls_session_t session) {
  if (gnutls_kx_get(session) != GNUTLS_KX_PSK) return std::nullopt;
  switch (gnutls_cipher_get(session)) {
    case GNUTLS_CIPHER_AES_128_CCM_8:
      return CipherSuite::kPskAes128Ccm8;
    case GNUTLS_CIPHER_AES_128_CCM:
      return CipherSuite::kPskAes128Ccm;
    case GNUTLS_CIPHER_AES_128_GCM:
      return CipherSuite::kPskAes128Gcm;
    case GNUTLS_CIPHER_AES_256_GCM:
      return CipherSuite::kPskAes256Gcm;
    default:
      return std::nullopt;
  }
}

}  // namespace custos::coap::dtls::detail
