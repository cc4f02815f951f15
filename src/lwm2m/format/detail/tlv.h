// Internal to lwm2m/format: the TLV wire elements (TS Core, Data Formats) both directions share.
#pragma once

#include <cstdint>

namespace custos::lwm2m::format::detail {

// Bits 7-6 of the type byte.
enum class TlvKind : std::uint8_t {
  kObjectInstance = 0b00,
  kResourceInstance = 0b01,
  kMultipleResource = 0b10,
  kResource = 0b11,
};

// The path level an element's identifier names: 2 instance, 3 resource, 4 resource instance.
inline int LevelOf(TlvKind kind) {
  switch (kind) {
    case TlvKind::kObjectInstance:
      return 2;
    case TlvKind::kResourceInstance:
      return 4;
    default:
      return 3;
  }
}

// Lengths have at most three bytes.
inline constexpr std::size_t kTlvMaxLength = 0xFFFFFF;

}  // namespace custos::lwm2m::format::detail
