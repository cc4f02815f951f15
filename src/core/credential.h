// Device credentials, per protocol. Retirement revokes all of a device's credentials.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

using CredentialId = std::int64_t;

// kind: "psk" (LwM2M/CoAP DTLS pre-shared key: identity + key bytes kept for the handshake),
// "password" (MQTT: identity + salted hash), "x509" (certificate fingerprint in identity).
struct Credential {
  CredentialId id = 0;
  DeviceId device_id = 0;
  std::string kind;
  std::string identity;     // PSK identity, MQTT username, certificate SHA-256 fingerprint
  std::string secret;       // PSK key as hex; for passwords "sha256$<salt-hex>$<hash-hex>"
  TimeMs created_at = 0;
  std::optional<TimeMs> revoked_at;
};

// `bytes` random bytes as lowercase hex.
std::string RandomHex(std::size_t bytes);
// "sha256$<salt-hex>$<hash-hex>" of a device password with a fresh 16-byte salt. One SHA-256
// suffices because server-generated device secrets carry 192 bits of entropy; a reconnect
// storm must not queue behind a slow password hash.
std::string HashDevicePassword(std::string_view password);
// Checks a password against HashDevicePassword's output, in constant time.
bool VerifyDevicePassword(std::string_view stored, std::string_view password);

}  // namespace custos::core
