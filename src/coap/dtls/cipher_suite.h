// The DTLS 1.2 cipher suites this layer negotiates: PSK key exchange with AEAD ciphers
// only. TLS_PSK_WITH_AES_128_CCM_8 is the one LwM2M makes mandatory for PSK (LwM2M 1.1
// Transport §5.2.8.1); the others are there for peers that prefer a 16-byte tag.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace custos::coap::dtls {

enum class CipherSuite {
  kPskAes128Ccm8,  // TLS_PSK_WITH_AES_128_CCM_8 (0xC0A8, RFC 6655)
  kPskAes128Ccm,   // TLS_PSK_WITH_AES_128_CCM (0xC0A4, RFC 6655)
  kPskAes128Gcm,   // TLS_PSK_WITH_AES_128_GCM_SHA256 (0x00A8, RFC 5487)
  kPskAes256Gcm,   // TLS_PSK_WITH_AES_256_GCM_SHA384 (0x00A9, RFC 5487)
};

// Every suite, in the default order of preference (the mandatory one first).
inline constexpr std::array<CipherSuite, 4> kAllCipherSuites = {
    CipherSuite::kPskAes128Ccm8, CipherSuite::kPskAes128Ccm, CipherSuite::kPskAes128Gcm,
    CipherSuite::kPskAes256Gcm};

// The IANA name, e.g. "TLS_PSK_WITH_AES_128_CCM_8".
const char* ToString(CipherSuite suite);
// The suite with that IANA name, or nullopt.
std::optional<CipherSuite> ParseCipherSuite(std::string_view name);

}  // namespace custos::coap::dtls
