// The one model of a device that every protocol adapter fills and every operator sees.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace custos::core {

using DeviceId = std::int64_t;

// provisioned -> active <-> disabled -> retired; retired is final.
enum class LifecycleState { kProvisioned, kActive, kDisabled, kRetired };

const char* ToString(LifecycleState s);  // "provisioned", "active", "disabled", "retired"
std::optional<LifecycleState> ParseLifecycleState(std::string_view s);

// Protocols a device may speak; "" while unknown.
inline constexpr std::string_view kKnownProtocols[] = {"lwm2m", "mqtt", "cwmp", "usp", "http"};
bool IsKnownProtocol(std::string_view p);

struct Identity {
  std::string manufacturer;
  std::string model;
  std::string serial;
  std::string hardware_version;
  std::string firmware_version;
  std::string software_version;
};

struct Connectivity {
  bool online = false;
  TimeMs last_seen = 0;      // 0: never seen
  std::string address;       // last peer address, "host:port"
  std::string transport;     // "udp", "dtls", "tcp", "tls"
  std::int64_t lifetime_s = 0;  // LwM2M lifetime or MQTT keep-alive
  bool queue_mode = false;
};

struct Health {
  std::optional<int> battery_level;  // percent 0..100
  std::string power_source;          // "battery", "external", ...
  std::optional<int> signal_strength;  // dBm
  std::optional<std::int64_t> free_memory;  // KiB
  std::vector<int> error_codes;
};

using Labels = std::map<std::string, std::string>;

struct Device {
  DeviceId id = 0;          // assigned by the store on creation
  std::string name;         // unique; the protocol's own name (endpoint, client id, OUI-serial)
  std::string protocol;     // one of kKnownProtocols, or empty
  LifecycleState state = LifecycleState::kProvisioned;
  Identity identity;
  Labels labels;
  std::string metadata_json = "{}";  // a free-form JSON object, kept as text
  Connectivity connectivity;
  Health health;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 0;  // increases by one on every stored change
};

// Validation shared by every edge. Names: 1..128 bytes of [A-Za-z0-9._:@-].
// Label keys: 1..63 bytes of [A-Za-z0-9._/-], starting with a letter or digit;
// values: at most 256 bytes, no control characters. At most 64 labels.
Result<void> ValidateDeviceName(std::string_view name);
Result<void> ValidateLabels(const Labels& labels);
// Checks name, protocol, labels and field lengths of a device about to be created.
Result<void> ValidateNewDevice(const Device& d);

// Whether the lifecycle allows `from` -> `to`.
bool IsAllowedTransition(LifecycleState from, LifecycleState to);

}  // namespace custos::core
