// What a simulated MQTT device says and how it reads what the server sends, as pure functions
// over the device-management contract (docs/mqtt-contract.md): the payloads it publishes, the
// operations and desired state it receives, and which devices of a fleet misbehave. No
// sockets or clocks: the fleet's event loop (mqtt_fleet.h) calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace custos::sim {

// What one device is like, fixed when the fleet is made.
struct MqttDeviceProfile {
  std::string name;
  std::string firmware_version = "1.0.0";
  int battery_level = 90;
  bool fails_updates = false;  // answers every firmware_update with "failed"
  bool goes_offline = false;   // drops its connection now and then and comes back
};

// The fleet's misbehaving shares, each a fraction from 0 to 1.
struct MqttShares {
  double fail_update = 0;
  double low_battery = 0;
  double offline = 0;
};

// Whether device `index` falls in a share `fraction` of the fleet: a fixed spread (the same
// device every run), about round(fraction * n) of any n consecutive devices.
bool InShare(std::uint64_t index, double fraction, std::uint64_t salt);

// The profile of device `index` called `name`: battery 10 (below the server's default threshold
// of 20) in the low-battery share, 90 otherwise.
MqttDeviceProfile ProfileOf(std::uint64_t index, std::string name, const MqttShares& shares);

// `identity`: who the device is, its firmware and the operations it supports.
std::string IdentityPayload(const MqttDeviceProfile& device);
// `state/reported`: battery, power source and signal strength.
std::string HealthPayload(const MqttDeviceProfile& device);
// `telemetry`: a measurement that changes with `sequence`.
std::string TelemetryPayload(std::uint64_t sequence);

// An operation as it arrives on `devices/{name}/operations/{id}`.
struct MqttOperation {
  std::string id;    // "op-81"
  std::string kind;  // "reboot", "firmware_update", ...
  // firmware_update
  std::string url;
  std::optional<std::uint64_t> size;
  std::string sha256;   // lower-case hex
  std::string version;  // parameters.version, when the operator named one
};

// The operation id of `topic` if it is `devices/{name}/operations/{id}`, else nullopt.
std::optional<std::string> OperationIdOf(std::string_view topic, std::string_view name);
// The operation in `payload` ({"kind", "parameters"}); kInvalidArgument if it is not one.
core::Result<MqttOperation> ParseOperation(std::string id, std::string_view payload);

// `operations/{id}/progress` and `operations/{id}/result` payloads.
std::string ProgressPayload(int percent, std::string_view message);
std::string ResultPayload(bool succeeded, std::string_view message,
                          std::string_view firmware_version);

// A desired-state message ({"state": {...}, "version": n}).
struct MqttDesired {
  std::string state_json;  // the "state" object, serialized
  std::int64_t version = 0;
};
core::Result<MqttDesired> ParseDesired(std::string_view payload);
// The `state/reported` answer to `desired`: its state and the version applied.
std::string DesiredAppliedPayload(const MqttDesired& desired);

// The version a firmware update installs when the operation names none: the last number of
// `current` plus one ("1.0.9" -> "1.0.10"; "abc" -> "abc.1").
std::string NextFirmwareVersion(std::string_view current);

}  // namespace custos::sim
