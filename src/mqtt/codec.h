// The packet codec (v5 §2, §3; v3.1.1 §2, §3): strict decoding of whole packets and encoding
// of packet values. Every refusal is kInvalidArgument with a message naming the packet, the
// field and the byte offset (also in Error::position, counted from the packet's first byte),
// and ending with the reason code to close the connection with; ReasonFor reads it back.
#pragma once

#include <cstdint>
#include <span>

#include "core/error.h"
#include "mqtt/fixed_header.h"
#include "mqtt/packet.h"

namespace custos::mqtt {

// Decodes one whole packet: a Fixed Header (see DecodeFixedHeader) and exactly Remaining
// Length bytes after it. `version` is the connection's; a CONNECT is decoded by its own
// Protocol Level instead. Refused:
// - Malformed Packet (0x81): a truncated packet or field, bytes left over after the last
//   field, a bad Variable Byte Integer, ill-formed UTF-8 or U+0000 in a string (§1.5.4), an
//   unknown property or one not allowed in the packet (§2.2.2.2), AUTH in 3.1.1, CONNECT's
//   reserved flag or Will flag rules (§3.1.2.3 - §3.1.2.7), the 3.1.1 rule that a password
//   needs a user name, reserved bits in CONNACK flags or in subscription options, QoS 3
//   anywhere, a reason code outside Table 2-6 for the packet (3.1.1: a return code of 6 or
//   more, a SUBACK code other than 0, 1, 2, 0x80);
// - Protocol Error (0x82): a property repeated where it may not be, a property value out
//   of its range (a Receive Maximum, Maximum Packet Size, Topic Alias or Subscription
//   Identifier of 0; a flag property other than 0 or 1), Authentication Data without an
//   Authentication Method, a packet identifier of 0 where one is required, a SUBSCRIBE or
//   UNSUBSCRIBE without filters, a SUBACK or v5 UNSUBACK without reason codes, Retain
//   Handling 3, No Local on a shared subscription, a v5 PUBLISH with an empty topic and no
//   Topic Alias, a Session Present flag with a failure code in CONNACK;
// - Unsupported Protocol Version (0x84): a CONNECT whose Protocol Name is not "MQTT" or whose
//   Protocol Level is not 4 or 5;
// - Topic Name invalid (0x90): an empty topic (3.1.1) or one with wildcards, in PUBLISH or
//   in the Will; Topic Filter invalid (0x8F): a filter breaking the rules of §4.7.1 or, in
//   v5, of shared subscriptions (§4.8.2);
// - and the Fixed Header refusals of DecodeFixedHeader (without a size limit here).
core::Result<Packet> Decode(std::span<const std::uint8_t> bytes, Version version);

// Decodes the body of a packet whose Fixed Header is `header`: `body` holds exactly its
// Remaining Length bytes. Refusals as Decode; offsets count from the packet's first byte.
core::Result<Packet> DecodeBody(const FixedHeader& header, std::span<const std::uint8_t> body,
                                Version version);

// kInvalidArgument, with the reason code Decode would give, if `packet` cannot be encoded in
// `version` to bytes that Decode accepts: any rule of Decode above, a string or binary
// field longer than 65535 bytes, a property whose value is not of its type, a 3.1.1 packet
// with properties, v5-only options, reason codes or an AUTH, or a packet larger than
// kMaxPacketSize. A CONNECT is checked in its own version.
core::Result<void> Validate(const Packet& packet, Version version);

// The number of bytes Encode writes.
std::size_t EncodedSize(const Packet& packet, Version version);
// The wire form of a packet for which Validate succeeds (otherwise unspecified). A CONNECT
// is encoded in its own version. Optional fields are written in their shortest form (a v5
// PUBACK with Success and no properties takes 2 bytes), so that Decode of the result gives
// an equal packet.
Bytes Encode(const Packet& packet, Version version);
// Appends the wire form to `out`.
void EncodeTo(const Packet& packet, Version version, Bytes& out);

}  // namespace custos::mqtt
