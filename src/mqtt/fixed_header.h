// The Fixed Header of every packet (v5 §2.1.1, v3.1.1 §2.2): the packet type and flags in
// one byte, then the Remaining Length. It is decoded on its own so that a stream can refuse
// a packet from its first bytes, before its body is buffered.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/error.h"
#include "mqtt/protocol.h"

namespace custos::mqtt {

struct FixedHeader {
  PacketType type = PacketType::kConnect;
  std::uint8_t flags = 0;  // the low four bits of the first byte
  std::uint32_t remaining_length = 0;
  std::uint8_t size = 0;  // bytes of the header itself, 2..5

  std::size_t PacketSize() const { return std::size_t{size} + remaining_length; }
};

// Decodes the Fixed Header at the start of `bytes`; nullopt if more bytes are needed.
// Refused (kInvalidArgument) as soon as the bytes present show it:
// - packet type 0 (reserved), or flags other than those v5 §2.1.3 fixes for the type
//   (0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0000 for the others), Malformed Packet;
// - a PUBLISH with QoS 3 (v5 §3.3.1.2) or with DUP set at QoS 0 (§3.3.1.1), Malformed Packet;
// - a Remaining Length that is not a valid Variable Byte Integer, Malformed Packet;
// - a whole packet (header and Remaining Length) larger than `max_packet_size`, Packet too
//   large (v5 §3.1.2.11.4).
// Version-specific rules (AUTH is reserved in 3.1.1) are left to Decode.
core::Result<std::optional<FixedHeader>> DecodeFixedHeader(
    std::span<const std::uint8_t> bytes, std::uint32_t max_packet_size = kMaxPacketSize);

// The first byte of a packet of `type`, with the flags v5 §2.1.3 fixes (for PUBLISH, no
// flags: the caller adds DUP, QoS and RETAIN).
std::uint8_t FirstByte(PacketType type);

}  // namespace custos::mqtt
