#include "mqtt/fixed_header.h"

#include <string>

#include "mqtt/variable_byte_integer.h"
#include "mqtt/wire.h"

namespace custos::mqtt {
namespace {

// v5 §2.1.3: the flags are fixed for every type but PUBLISH.
std::uint8_t RequiredFlags(PacketType type) {
  switch (type) {
    case PacketType::kPubrel:
    case PacketType::kSubscribe:
    case PacketType::kUnsubscribe:
      return 0x2;
    default:
      return 0x0;
  }
}

tl::unexpected<core::Error> Malformed(const std::string& what, std::size_t offset) {
  return tl::unexpected(wire::Refusal(ReasonCode::kMalformedPacket, what, offset));
}

}  // namespace

std::uint8_t FirstByte(PacketType type) {
  return static_cast<std::uint8_t>((static_cast<unsigned>(type) << 4) | RequiredFlags(type));
}

core::Result<std::optional<FixedHeader>> DecodeFixedHeader(std::span<const std::uint8_t> bytes,
                                                           std::uint32_t max_packet_size) {
  if (bytes.empty()) return std::nullopt;
  const std::uint8_t first = bytes[0];
  if ((first >> 4) == 0) return Malformed("reserved packet type 0", 0);
  FixedHeader header;
  header.type = static_cast<PacketType>(first >> 4);
  header.flags = first & 0x0f;
  const std::string name = ToString(header.type);
  if (header.type == PacketType::kPublish) {
    const int qos = (header.flags >> 1) & 0x3;
    if (qos == 3) return Malformed("PUBLISH with QoS 3", 0);
    if (qos == 0 && (header.flags & 0x8) != 0) return Malformed("PUBLISH with DUP at QoS 0", 0);
  } else if (header.flags != RequiredFlags(header.type)) {
    return Malformed(name + " with reserved flags " + std::to_string(header.flags), 0);
  }
  auto length = DecodeVariableByteInteger(bytes.subspan(1));
  if (!length) {
    return Malformed(name + " remaining length is not a valid Variable Byte Integer",
                     1 + length.error().position.value_or(0));
  }
  if (!*length) return std::nullopt;
  header.remaining_length = (*length)->value;
  header.size = static_cast<std::uint8_t>(1 + (*length)->size);
  if (header.PacketSize() > max_packet_size) {
    return tl::unexpected(wire::Refusal(ReasonCode::kPacketTooLarge,
                                        name + " of " + std::to_string(header.PacketSize()) +
                                            " bytes exceeds the maximum of " +
                                            std::to_string(max_packet_size),
                                        1));
  }
  return header;
}

}  // namespace custos::mqtt
