// What a device reports beyond its identity and health, and what operators want of it: the
// desired and reported state documents (each a JSON object with its own version), the latest
// telemetry, and recent log lines. The core keeps these as JSON text; the twin module reads
// and merges them.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

struct DeviceState {
  DeviceId device_id = 0;
  // What operators want the device to be: a JSON object; version 0 until first set.
  std::string desired_json = "{}";
  std::int64_t desired_version = 0;
  TimeMs desired_updated_at = 0;  // 0: never
  // What the device says it is: a JSON object; version 0 until it first reports.
  std::string reported_json = "{}";
  std::int64_t reported_version = 0;
  TimeMs reported_updated_at = 0;
  // The desired version the device last said it has applied; 0: none.
  std::int64_t desired_acknowledged = 0;
};

// The latest value of each measurement a device has sent.
struct Telemetry {
  DeviceId device_id = 0;
  std::string measurements_json = "{}";  // a JSON object
  TimeMs updated_at = 0;                 // 0: nothing received yet
};

struct DeviceLogLine {
  TimeMs at = 0;      // when the device says it happened (or when it arrived)
  std::string level;  // "trace", "debug", "info", "warn", "error", "fatal"
  std::string message;
};

}  // namespace custos::core
