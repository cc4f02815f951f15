// The objects a simulated device serves (1 Server, 3 Device, 4 Connectivity Monitoring,
// 5 Firmware Update, 6 Location) and their plausible, changing values: the battery drains 1%
// a step and charges 5% a step (a low-battery device drains and never charges), memory and
// signal drift with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "device.h"
#include "lwm2m/lwm2m.h"

namespace custos::sim {

// What Records needs besides the device's own state.
struct DeviceIdentity {
  std::uint32_t index = 0;  // the number in its endpoint name
  std::uint32_t lifetime_s = 0;
  TimeMs now = 0;
};

// Every resource (and resource instance) value of `device` at or below `base`; empty when
// `base` names nothing the device has.
std::vector<lwm2m::Record> Records(const Device& device, const DeviceIdentity& identity,
                                   const lwm2m::Path& base);

// The type of the resource at `path` (object, instance 0, resource), nullopt if the device
// has no such resource.
std::optional<lwm2m::ResourceType> ResourceTypeAt(const lwm2m::Path& path);

// Whether /object/0/resource is an executable resource of the device.
bool IsExecutable(std::uint16_t object, std::uint16_t resource);

// The link-format answer of a Discover on `base` (an object, instance or resource), or
// nullopt when the device has nothing there.
std::optional<std::string> DiscoverLinks(const lwm2m::Path& base);

// One battery step, as described at the top of this file.
void StepBattery(Device& device);

// The battery level and charging state a device starts with.
void InitBattery(Device& device, std::uint32_t index);

}  // namespace custos::sim
