#include "mqtt/protocol.h"

namespace custos::mqtt {

const char* ToString(Version version) {
  switch (version) {
    case Version::kV311:
      return "3.1.1";
    case Version::kV5:
      return "5.0";
  }
  return "?";
}

const char* ToString(PacketType type) {
  static constexpr const char* kNames[] = {"RESERVED",  "CONNECT",  "CONNACK",     "PUBLISH",
                                           "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                           "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                           "PINGREQ",   "PINGRESP", "DISCONNECT",  "AUTH"};
  const auto index = static_cast<std::uint8_t>(type);
  return index < 16 ? kNames[index] : "?";
}

bool SentByClient(PacketType type) {
  switch (type) {
    case PacketType::kConnack:
    case PacketType::kSuback:
    case PacketType::kUnsuback:
    case PacketType::kPingresp:
      return false;
    default:
      return static_cast<std::uint8_t>(type) >= 1 && static_cast<std::uint8_t>(type) <= 15;
  }
}

bool SentByServer(PacketType type) {
  switch (type) {
    case PacketType::kConnect:
    case PacketType::kSubscribe:
    case PacketType::kUnsubscribe:
    case PacketType::kPingreq:
      return false;
    default:
      return static_cast<std::uint8_t>(type) >= 1 && static_cast<std::uint8_t>(type) <= 15;
  }
}

}  // namespace custos::mqtt
