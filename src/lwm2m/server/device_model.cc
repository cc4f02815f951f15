#include "lwm2m/server/device_model.h"

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

namespace custos::lwm2m::server {
namespace {

std::optional<std::int64_t> AsInteger(const Value& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto u = std::get_if<std::uint64_t>(&v); u && *u <= INT64_MAX) {
    return static_cast<std::int64_t>(*u);
  }
  if (auto d = std::get_if<double>(&v); d && *d == static_cast<double>(std::int64_t(*d))) {
    return static_cast<std::int64_t>(*d);
  }
  if (auto s = std::get_if<std::string>(&v)) {
    try {
      std::size_t used = 0;
      long long n = std::stoll(*s, &used);
      if (used == s->size()) return n;
    } catch (...) {
    }
  }
  return std::nullopt;
}

std::optional<double> AsDouble(const Value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto i = AsInteger(v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<std::string> AsText(const Value& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  return std::nullopt;
}

// TS Core, Object 3 resource 6: Available Power Sources.
const char* PowerSourceName(std::int64_t code) {
  switch (code) {
    case 0:
      return "dc";
    case 1:
      return "internal_battery";
    case 2:
      return "external_battery";
    case 3:
      return "fuel_cell";
    case 4:
      return "poe";
    case 5:
      return "usb";
    case 6:
      return "ac";
    case 7:
      return "solar";
    default:
      return nullptr;
  }
}

}  // namespace

boost::json::object ReportedPatch(std::span<const Record> records) {
  boost::json::object patch;
  // Multiple-instance resources, by instance id, to be written whole.
  std::map<std::uint16_t, std::int64_t> error_codes;
  bool error_codes_seen = false;
  std::map<std::uint16_t, std::int64_t> power_sources;
  std::map<std::uint16_t, std::string> ip_addresses;
  bool ip_seen = false;
  boost::json::object location;

  for (const Record& r : records) {
    const Path& p = r.path;
    if (!p.object || !p.instance || !p.resource || *p.instance != 0) continue;
    const std::uint16_t object = *p.object;
    const std::uint16_t resource = *p.resource;
    const std::uint16_t index = p.resource_instance.value_or(0);
    if (object == 3) {
      auto text = [&](const char* name) {
        if (auto s = AsText(r.value)) patch[name] = *s;
      };
      switch (resource) {
        case 0:
          text("manufacturer");
          break;
        case 1:
          text("model");
          break;
        case 2:
          text("serial");
          break;
        case 3:
          text("firmware_version");
          break;
        case 18:
          text("hardware_version");
          break;
        case 19:
          text("software_version");
          break;
        case 6:
          if (auto i = AsInteger(r.value)) power_sources[index] = *i;
          break;
        case 9:
          if (auto i = AsInteger(r.value); i && *i >= 0 && *i <= 100) patch["battery_level"] = *i;
          break;
        case 10:
          if (auto i = AsInteger(r.value); i && *i >= 0) patch["free_memory"] = *i;
          break;
        case 11:
          error_codes_seen = true;
          if (auto i = AsInteger(r.value)) error_codes[index] = *i;
          break;
        default:
          break;
      }
    } else if (object == 4) {
      if (resource == 2) {
        if (auto i = AsInteger(r.value)) patch["signal_strength"] = *i;
      } else if (resource == 4) {
        ip_seen = true;
        if (auto s = AsText(r.value)) ip_addresses[index] = *s;
      }
    } else if (object == 6) {
      static constexpr const char* kNames[] = {"latitude", "longitude", "altitude", "radius"};
      if (resource <= 3) {
        if (auto d = AsDouble(r.value)) location[kNames[resource]] = *d;
      } else if (resource == 5) {
        if (auto t = std::get_if<TimeValue>(&r.value))
          location["timestamp"] = t->seconds;
        else if (auto i = AsInteger(r.value))
          location["timestamp"] = *i;
      }
    }
  }
  if (error_codes_seen) {
    boost::json::array codes;
    for (const auto& [index, code] : error_codes) codes.emplace_back(code);
    patch["error_codes"] = std::move(codes);
  }
  for (const auto& [index, code] : power_sources) {
    if (const char* name = PowerSourceName(code)) {
      patch["power_source"] = name;
      break;
    }
  }
  if (ip_seen) {
    boost::json::array ips;
    for (const auto& [index, ip] : ip_addresses) ips.emplace_back(ip);
    patch["ip_addresses"] = std::move(ips);
  }
  if (!location.empty()) patch["location"] = std::move(location);
  return patch;
}

}  // namespace custos::lwm2m::server
