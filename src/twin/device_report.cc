// The well-known members of a reported document, as the device model's identity and health.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;

core::Error WrongType(std::string_view key, std::string_view expected) {
  return core::Error{core::ErrorCode::kInvalidArgument,
                     fmt::format("{}: must be {}", key, expected), std::nullopt};
}

// A whole number, written as an integer or as a number with no fraction (87.0).
std::optional<std::int64_t> WholeNumber(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

core::Result<std::optional<std::string>> Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) return tl::unexpected(WrongType(key, "a string"));
  return std::string(v->get_string());
}

core::Result<std::optional<std::int64_t>> Whole(const json::object& o, std::string_view key,
                                                std::int64_t min, std::int64_t max) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  auto n = WholeNumber(*v);
  if (!n || *n < min || *n > max) {
    return tl::unexpected(WrongType(key, fmt::format("a whole number from {} to {}", min, max)));
  }
  return n;
}

}  // namespace

core::Result<core::DeviceReport> ExtractDeviceReport(const json::object& reported) {
  core::DeviceReport r;
  const std::pair<const char*, std::optional<std::string>*> texts[] = {
      {"manufacturer", &r.manufacturer},
      {"model", &r.model},
      {"serial", &r.serial},
      {"hardware_version", &r.hardware_version},
      {"firmware_version", &r.firmware_version},
      {"software_version", &r.software_version},
      {"power_source", &r.power_source},
  };
  for (const auto& [key, out] : texts) {
    auto v = Text(reported, key);
    if (!v) return tl::unexpected(v.error());
    *out = std::move(*v);
  }
  auto battery = Whole(reported, "battery_level", 0, 100);
  if (!battery) return tl::unexpected(battery.error());
  if (*battery) r.battery_level = static_cast<int>(**battery);
  auto signal = Whole(reported, "signal_strength", -200, 100);
  if (!signal) return tl::unexpected(signal.error());
  if (*signal) r.signal_strength = static_cast<int>(**signal);
  auto memory = Whole(reported, "free_memory", 0, std::numeric_limits<std::int64_t>::max());
  if (!memory) return tl::unexpected(memory.error());
  r.free_memory = *memory;
  if (const json::value* codes = reported.if_contains("error_codes");
      codes != nullptr && !codes->is_null()) {
    if (!codes->is_array()) return tl::unexpected(WrongType("error_codes", "an array of integers"));
    std::vector<int> list;
    for (const json::value& c : codes->get_array()) {
      auto n = WholeNumber(c);
      if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
        return tl::unexpected(WrongType("error_codes", "an array of integers"));
      }
      list.push_back(static_cast<int>(*n));
    }
    r.error_codes = std::move(list);
  }
  return r;
}

}  // namespace custos::twin
