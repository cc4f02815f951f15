#include "coap/dtls/cipher_suite.h"

namespace custos::coap::dtls {

const char* ToString(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::kPskAes128Ccm8:
      return "TLS_PSK_WITH_AES_128_CCM_8";
    case CipherSuite::kPskAes128Ccm:
      return "TLS_PSK_WITH_AES_128_CCM";
    case CipherSuite::kPskAes128Gcm:
      return "TLS_PSK_WITH_AES_128_GCM_SHA256";
    case CipherSuite::kPskAes256Gcm:
      return "TLS_PSK_WITH_AES_256_GCM_SHA384";
  }
  return "unknown";
}

std::optional<CipherSuite> ParseCipherSuite(std::string_view name) {
  for (CipherSuite suite : kAllCipherSuites) {
    if (name == ToString(suite)) return suite;
  }
  return std::nullopt;
}

}  // namespace custos::coap::dtls
