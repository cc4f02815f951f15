#include "mqtt/variable_byte_integer.h"

#include "mqtt/protocol.h"
#include "mqtt/reason_code.h"
#include "mqtt/wire.h"

namespace custos::mqtt {

core::Result<std::optional<VariableByteInteger>> DecodeVariableByteInteger(
    std::span<const std::uint8_t> bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i == bytes.size()) return std::nullopt;
    const std::uint8_t b = bytes[i];
    value |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) != 0) continue;
    if (b == 0 && i > 0) {
      return tl::unexpected(wire::Refusal(ReasonCode::kMalformedPacket,
                                          "Variable Byte Integer not in its shortest form", i));
    }
    return VariableByteInteger{value, static_cast<std::uint8_t>(i + 1)};
  }
  return tl::unexpected(
      wire::Refusal(ReasonCode::kMalformedPacket, "Variable Byte Integer longer than 4 bytes", 3));
}

std::size_t VariableByteIntegerSize(std::uint32_t value) {
  if (value < (1u << 7)) return 1;
  if (value < (1u << 14)) return 2;
  if (value < (1u << 21)) return 3;
  return 4;
}

void AppendVariableByteInteger(std::uint32_t value, std::vector<std::uint8_t>& out) {
  do {
    std::uint8_t b = value & 0x7f;
    value >>= 7;
    if (value != 0) b |= 0x80;
    out.push_back(b);
  } while (value != 0);
}

}  // namespace custos::mqtt
