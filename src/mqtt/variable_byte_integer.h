// The Variable Byte Integer (v5 §1.5.5; the Remaining Length of v3.1.1 §2.2.3): seven bits
// a byte, least significant first, the high bit saying another byte follows; 1 to 4 bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.h"

namespace custos::mqtt {

struct VariableByteInteger {
  std::uint32_t value = 0;
  std::uint8_t size = 0;  // bytes on the wire, 1..4
};

// Decodes the integer at the start of `bytes`; nullopt if `bytes` ends before its last
// byte. kInvalidArgument (Malformed Packet), with the offset of the offending byte, if the
// fourth byte says another follows, or if the value fits in fewer bytes: the minimum number
// of bytes is required (v5 [MQTT-1.5.5-1]), which makes the encoding unique.
core::Result<std::optional<VariableByteInteger>> DecodeVariableByteInteger(
    std::span<const std::uint8_t> bytes);

// The number of bytes the minimal encoding of `value` takes (value <= 268,435,455).
std::size_t VariableByteIntegerSize(std::uint32_t value);

// Appends the minimal encoding of `value` (value <= 268,435,455).
void AppendVariableByteInteger(std::uint32_t value, std::vector<std::uint8_t>& out);

}  // namespace custos::mqtt
