#include "device_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace custos::sim {
namespace {

using lwm2m::Path;
using lwm2m::Record;
using lwm2m::ResourceType;
using lwm2m::Value;
using T = ResourceType;

struct ResourceSpec {
  std::uint16_t object;
  std::uint16_t resource;
  ResourceType type;
  std::uint8_t instances;  // 0: single-instance; else how many instances it has
};

constexpr std::array<ResourceSpec, 37> kResources = {{
    {1, 0, T::kInteger, 0},  {1, 1, T::kInteger, 0}, {1, 6, T::kBoolean, 0},
    {1, 7, T::kString, 0},   {1, 8, T::kNone, 0},    {3, 0, T::kString, 0},
    {3, 1, T::kString, 0},   {3, 2, T::kString, 0},  {3, 3, T::kString, 0},
    {3, 4, T::kNone, 0},     {3, 5, T::kNone, 0},    {3, 6, T::kInteger, 2},
    {3, 7, T::kInteger, 2},  {3, 9, T::kInteger, 0}, {3, 10, T::kInteger, 0},
    {3, 11, T::kInteger, 1}, {3, 13, T::kTime, 0},   {3, 14, T::kString, 0},
    {3, 15, T::kString, 0},  {3, 16, T::kString, 0}, {3, 20, T::kInteger, 0},
    {3, 21, T::kInteger, 0}, {4, 0, T::kInteger, 0}, {4, 1, T::kInteger, 2},
    {4, 2, T::kInteger, 0},  {4, 3, T::kInteger, 0}, {4, 4, T::kString, 1},
    {4, 7, T::kString, 1},   {4, 8, T::kInteger, 0}, {5, 0, T::kOpaque, 0},
    {5, 1, T::kString, 0},   {5, 2, T::kNone, 0},    {5, 3, T::kInteger, 0},
    {5, 5, T::kInteger, 0},  {6, 0, T::kFloat, 0},   {6, 1, T::kFloat, 0},
    {6, 5, T::kTime, 0},
}};

const ResourceSpec* Find(std::uint16_t object, std::uint16_t resource) {
  for (const auto& spec : kResources) {
    if (spec.object == object && spec.resource == resource) return &spec;
  }
  return nullptr;
}

bool HasObject(std::uint16_t object) {
  return object == 1 || object == 3 || object == 4 || object == 5 || object == 6;
}

std::int64_t I(std::int64_t v) { return v; }

// The value(s) of one resource; an executable or write-only one has none.
std::vector<Value> ValuesOf(const Device& d, const DeviceIdentity& id, std::uint16_t object,
                            std::uint16_t resource) {
  const std::int64_t battery = d.battery;
  const std::int64_t jitter = static_cast<std::int64_t>(id.index % 7);
  switch (object * 100 + resource) {
    case 100:
      return {I(1)};
    case 101:
      return {I(id.lifetime_s)};
    case 106:
      return {true};
    case 107:
      return {std::string(d.queue_mode ? "UQ" : "U")};
    case 300:
      return {std::string("Custos Sim")};
    case 301:
      return {std::string("SIM-1")};
    case 302:
      return {fmt::format("SIM{:08d}", id.index)};
    case 303:
      return {d.firmware_version};
    case 306:
      return {I(1), I(5)};  // internal battery, USB
    case 307:
      return {I(3300 + battery * 9), I(5000)};
    case 309:
      return {battery};
    case 310:
      return {I(2048 + (battery * 37 + jitter) % 512)};
    case 311:
      return {I(0)};
    case 313:
      return {lwm2m::TimeValue{id.now / 1000}};
    case 314:
      return {std::string("+00:00")};
    case 315:
      return {std::string("Europe/Berlin")};
    case 316:
      return {std::string(d.queue_mode ? "UQ" : "U")};
    case 320:
      return {I(d.charging ? 1 : battery <= 15 ? 4 : 0)};
    case 321:
      return {I(4096)};
    case 400:
      return {I(6)};  // LTE-TDD
    case 401:
      return {I(6), I(7)};
    case 402:
      return {I(-60 - static_cast<std::int64_t>(id.index % 30) - battery % 5)};
    case 403:
      return {I(60 + battery % 30)};
    case 404:
      return {fmt::format("10.{}.{}.{}", (id.index >> 16) & 0xff, (id.index >> 8) & 0xff,
                          id.index & 0xff)};
    case 407:
      return {std::string("internet")};
    case 408:
      return {I(20000 + id.index % 5000)};
    case 501:
      return {d.package_uri};
    case 503:
      return {I(d.firmware_state)};
    case 505:
      return {I(d.firmware_result)};
    case 600:
      return {52.52 + static_cast<double>(id.index % 1000) * 0.001};
    case 601:
      return {13.40 + static_cast<double>(id.index % 997) * 0.001};
    case 605:
      return {lwm2m::TimeValue{id.now / 1000}};
    default:
      return {};
  }
}

}  // namespace

std::vector<Record> Records(const Device& device, const DeviceIdentity& identity,
                            const Path& base) {
  std::vector<Record> records;
  if (base.IsRoot() || !HasObject(*base.object)) return records;
  if (base.instance && *base.instance != 0) return records;
  for (const auto& spec : kResources) {
    if (spec.object != *base.object) continue;
    if (base.resource && *base.resource != spec.resource) continue;
    std::vector<Value> values = ValuesOf(device, identity, spec.object, spec.resource);
    for (std::size_t i = 0; i < values.size(); ++i) {
      Path path = spec.instances == 0 ? Path::Resource(spec.object, 0, spec.resource)
                                      : Path::ResourceInstance(spec.object, 0, spec.resource,
                                                               static_cast<std::uint16_t>(i));
      if (!base.Contains(path)) continue;
      records.push_back(Record{path, std::move(values[i]), std::nullopt});
    }
  }
  return records;
}

std::optional<ResourceType> ResourceTypeAt(const Path& path) {
  if (!path.resource || (path.instance && *path.instance != 0)) return std::nullopt;
  const ResourceSpec* spec = Find(*path.object, *path.resource);
  if (spec == nullptr) return std::nullopt;
  return spec->type;
}

bool IsExecutable(std::uint16_t object, std::uint16_t resource) {
  const ResourceSpec* spec = Find(object, resource);
  return spec != nullptr && spec->type == T::kNone;
}

std::optional<std::string> DiscoverLinks(const Path& base) {
  if (base.IsRoot() || !HasObject(*base.object)) return std::nullopt;
  if (base.instance && *base.instance != 0) return std::nullopt;
  std::string out;
  const auto add = [&out](const std::string& link) {
    if (!out.empty()) out += ',';
    out += link;
  };
  if (!base.resource) {
    if (base.IsObject()) add(fmt::format("</{}>", *base.object));
    add(fmt::format("</{}/0>", *base.object));
  }
  for (const auto& spec : kResources) {
    if (spec.object != *base.object) continue;
    if (base.resource && *base.resource != spec.resource) continue;
    std::string link = fmt::format("</{}/0/{}>", spec.object, spec.resource);
    if (spec.instances > 0) link += fmt::format(";dim={}", spec.instances);
    add(link);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

void StepBattery(Device& device) {
  int battery = device.battery;
  if (device.low_battery) {
    battery = std::max(1, battery - 1);
  } else if (device.charging) {
    battery = std::min(100, battery + 5);
    if (battery == 100) device.charging = false;
  } else {
    battery = std::max(10, battery - 1);
    if (battery == 10) device.charging = true;
  }
  device.battery = static_cast<std::uint8_t>(battery);
}

void InitBattery(Device& device, std::uint32_t index) {
  device.battery = static_cast<std::uint8_t>(device.low_battery ? 20 - index % 5 : 50 + index % 51);
  device.charging = false;
}

}  // namespace custos::sim
