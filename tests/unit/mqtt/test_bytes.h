// Helpers shared by the mqtt tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "mqtt/mqtt.h"

namespace custos::mqtt::testing {

inline std::vector<std::uint8_t> Bytes(std::initializer_list<int> values) {
  std::vector<std::uint8_t> bytes;
  for (int v : values) bytes.push_back(static_cast<std::uint8_t>(v));
  return bytes;
}

inline std::vector<std::uint8_t> Text(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// The pieces one after the other.
inline std::vector<std::uint8_t> Cat(std::initializer_list<std::vector<std::uint8_t>> pieces) {
  std::vector<std::uint8_t> out;
  for (const auto& p : pieces) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A UTF-8 string or binary field: two length bytes, then the bytes.
inline std::vector<std::uint8_t> Field(std::string_view text) {
  return Cat({Bytes({static_cast<int>(text.size() >> 8), static_cast<int>(text.size() & 0xff)}),
              Text(text)});
}

}  // namespace custos::mqtt::testing
