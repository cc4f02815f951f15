// The simulated devices and their secrets, as bench/mqtt.sh writes them: one device a line,
// "NAME SECRET" (the MQTT client id and user name, then the password), the same file from
// which the broker under test was given its users.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::mqtt_bench {

struct Device {
  std::string name;
  std::string secret;

  bool operator==(const Device&) const = default;
};

// The devices of `text`, in order. Blank lines are skipped; a line that is not two fields
// separated by one run of spaces or tabs is kInvalidArgument naming its line number.
core::Result<std::vector<Device>> ParseDeviceList(std::string_view text);

// ParseDeviceList of a file's content; kNotFound if it cannot be read.
core::Result<std::vector<Device>> ReadDeviceList(const std::string& path);

}  // namespace custos::mqtt_bench
