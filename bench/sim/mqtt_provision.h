// Devices for the simulator made through the REST API (docs/api.md "Devices"), for a run
// without a credentials file: each device is created with protocol mqtt and given a password
// credential whose secret is derived from its name, so that a second run against the same
// server finds the same devices with the same secrets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "device_list.h"

namespace custos::sim {

struct ProvisionRequest {
  std::string base_url;  // "http://127.0.0.1:8080" (plain HTTP, dotted IPv4 or localhost)
  std::string token;     // an operator (or admin) token
  std::string prefix = "sim-mqtt-";
  std::size_t first = 0;  // devices prefix + first, ..., numbered with six digits
  std::size_t count = 0;
};

// The name of device `index`: prefix and the index in six digits ("sim-mqtt-000042").
std::string SimDeviceName(std::string_view prefix, std::size_t index);
// The secret the simulator gives device `name`.
std::string SimDeviceSecret(std::string_view name);

// Creates the devices that do not exist yet and a password credential for each that has
// none, over one keep-alive connection; the devices with their secrets, in order. An error
// names the device and the server's answer.
core::Result<std::vector<mqtt_bench::Device>> ProvisionDevices(const ProvisionRequest& request);

}  // namespace custos::sim
