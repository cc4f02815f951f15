// The rules shared by the packet codecs (see packet_codecs.h).
#include <string>

#include "mqtt/packet_codecs.h"
#include "mqtt/property_codec.h"
#include "mqtt/utf8.h"

namespace custos::mqtt::wire {

std::optional<Problem> CheckString(std::string_view text, const char* field) {
  if (text.size() > kMaxStringLength) {
    return Problem{ReasonCode::kMalformedPacket, std::string(field) + " longer than 65535 bytes"};
  }
  if (!IsValidUtf8(text)) {
    return Problem{ReasonCode::kMalformedPacket, std::string(field) + " is not valid UTF-8"};
  }
  return std::nullopt;
}

std::optional<Problem> CheckBinary(std::size_t size, const char* field) {
  if (size > kMaxStringLength) {
    return Problem{ReasonCode::kMalformedPacket, std::string(field) + " longer than 65535 bytes"};
  }
  return std::nullopt;
}

std::optional<Problem> CheckPropertiesIn(const Properties& properties, PacketType packet,
                                         Version version, bool will) {
  if (version == Version::kV311) {
    if (properties.empty()) return std::nullopt;
    return Problem{ReasonCode::kMalformedPacket, "properties in an MQTT 3.1.1 packet"};
  }
  return CheckProperties(properties, packet, will);
}

std::optional<Problem> CheckPacketId(std::uint16_t id) {
  if (id != 0) return std::nullopt;
  return Problem{ReasonCode::kProtocolError, "packet identifier 0"};
}

std::optional<Problem> CheckReasonCode(ReasonCode code, PacketType packet) {
  if (ValidFor(code, packet)) return std::nullopt;
  return Problem{
      ReasonCode::kMalformedPacket,
      "reason code " + Hex(static_cast<std::uint8_t>(code)) + " is not one of " + ToString(packet)};
}

}  // namespace custos::mqtt::wire
