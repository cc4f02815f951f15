// How LwM2M values fill the one device model: Object 3 (Device) gives identity and health,
// Object 4 (Connectivity Monitoring) signal strength and IP addresses, Object 6 (Location)
// the location. docs/lwm2m.md, "The device model from LwM2M", lists the mapping. Pure.
#pragma once

#include <boost/json/object.hpp>
#include <span>

#include "lwm2m/value.h"

namespace custos::lwm2m::server {

// The reported-state merge patch for `records` (instance 0 of objects 3, 4 and 6 only):
// well-known members (manufacturer, model, serial, firmware_version, hardware_version,
// software_version, battery_level, power_source, free_memory, error_codes, signal_strength)
// that feed identity and health, plus ip_addresses and location. Values of the wrong type or
// out of range are left out. Empty when nothing applies.
boost::json::object ReportedPatch(std::span<const Record> records);

}  // namespace custos::lwm2m::server
