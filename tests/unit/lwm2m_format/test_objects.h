// Shared by the format tests: the objects of the specification's examples (Device /3, Server
// /1, Access Control /2, the Objlnk test objects 65 and 66 of TS Core's TLV examples) as a
// TypeResolver, the Device instance of those examples as records, and hex helpers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lwm2m/format/format.h"

namespace custos::lwm2m::format::testing {

inline std::vector<std::uint8_t> Hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string clean;
  for (char c : hex) {
    if (c != ' ' && c != '\n') clean += c;
  }
  for (std::size_t i = 0; i + 1 < clean.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(digit(clean[i]) * 16 + digit(clean[i + 1])));
  }
  return out;
}

inline std::string ToHex(const std::vector<std::uint8_t>& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

inline std::vector<std::uint8_t> Text(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

inline std::string AsText(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// Object and resource ids of the examples and their types (instances share their resource's).
inline TypeResolver ExampleTypes() {
  using T = ResourceType;
  static const std::map<std::pair<int, int>, T> kTypes = {
      {{0, 3}, T::kOpaque},      {{0, 16}, T::kUnsignedInteger},
      {{1, 0}, T::kInteger},     {{1, 1}, T::kInteger},
      {{1, 2}, T::kInteger},     {{1, 6}, T::kBoolean},
      {{1, 7}, T::kString},      {{2, 0}, T::kInteger},
      {{2, 1}, T::kInteger},     {{2, 2}, T::kInteger},
      {{2, 3}, T::kInteger},     {{3, 0}, T::kString},
      {{3, 1}, T::kString},      {{3, 2}, T::kString},
      {{3, 3}, T::kString},      {{3, 4}, T::kNone},
      {{3, 6}, T::kInteger},     {{3, 7}, T::kInteger},
      {{3, 8}, T::kInteger},     {{3, 9}, T::kInteger},
      {{3, 10}, T::kInteger},    {{3, 11}, T::kInteger},
      {{3, 13}, T::kTime},       {{3, 14}, T::kString},
      {{3, 15}, T::kString},     {{3, 16}, T::kString},
      {{5, 0}, T::kOpaque},      {{5, 1}, T::kString},
      {{65, 0}, T::kObjectLink}, {{65, 1}, T::kString},
      {{65, 2}, T::kInteger},    {{66, 0}, T::kString},
      {{66, 1}, T::kString},     {{66, 2}, T::kObjectLink},
      {{1024, 0}, T::kString},   {{1024, 1}, T::kFloat},
      {{1024, 2}, T::kBoolean},  {{1024, 3}, T::kCoreLink},
      {{3303, 5700}, T::kFloat}, {{6, 0}, T::kFloat},
  };
  return [](const Path& path) -> std::optional<ResourceType> {
    if (!path.object || !path.resource) return std::nullopt;
    auto it = kTypes.find({*path.object, *path.resource});
    if (it == kTypes.end()) return std::nullopt;
    return it->second;
  };
}

inline Record At(std::string_view path, Value value, std::optional<double> time = {}) {
  return Record{ParsePath(path).value(), std::move(value), time};
}

// The Device instance of TS Core's examples (TLV, LwM2M JSON, SenML JSON and CBOR alike).
inline std::vector<Record> DeviceRecords() {
  using I = std::int64_t;
  return {
      At("/3/0/0", std::string("Open Mobile Alliance")),
      At("/3/0/1", std::string("Lightweight M2M Client")),
      At("/3/0/2", std::string("345000123")),
      At("/3/0/3", std::string("1.0")),
      At("/3/0/6/0", I{1}),
      At("/3/0/6/1", I{5}),
      At("/3/0/7/0", I{3800}),
      At("/3/0/7/1", I{5000}),
      At("/3/0/8/0", I{125}),
      At("/3/0/8/1", I{900}),
      At("/3/0/9", I{100}),
      At("/3/0/10", I{15}),
      At("/3/0/11/0", I{0}),
      At("/3/0/13", TimeValue{1367491215}),
      At("/3/0/14", std::string("+02:00")),
      At("/3/0/16", std::string("U")),
  };
}

}  // namespace custos::lwm2m::format::testing
