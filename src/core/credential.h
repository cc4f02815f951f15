// Device credentials, per protocol. Retirement revokes all of a device's credentials.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace custos::core
