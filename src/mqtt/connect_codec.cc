// CONNECT (v5 §3.1, v3.1.1 §3.1) and CONNACK (v5 §3.2, v3.1.1 §3.2).
#include <string>

#include "mqtt/packet_codecs.h"
#include "mqtt/property_codec.h"
#include "mqtt/topic.h"

namespace custos::mqtt::wire {
namespace {

constexpr std::string_view kProtocolName = "MQTT";

// Connect Flags (v5 §3.1.2.3).
constexpr std::uint8_t kReserved = 0x01;
constexpr std::uint8_t kCleanStart = 0x02;
constexpr std::uint8_t kWillFlag = 0x04;
constexpr std::uint8_t kWillRetain = 0x20;
constexpr std::uint8_t kPasswordFlag = 0x40;
constexpr std::uint8_t kUserNameFlag = 0x80;

}  // namespace

Connect ReadConnect(Reader& r) {
  Connect c;
  const std::size_t name_at = r.offset();
  const std::string name = r.Utf8String("protocol name");
  const std::size_t level_at = r.offset();
  const std::uint8_t level = r.Byte("protocol level");
  if (r.ok() && name != kProtocolName) {
    r.Fail(ReasonCode::kUnsupportedProtocolVersion, "protocol name is not \"MQTT\"", name_at);
  }
  if (r.ok() && level != 4 && level != 5) {
    r.Fail(ReasonCode::kUnsupportedProtocolVersion,
           "protocol level " + std::to_string(level) + " (only 4 and 5 are supported)", level_at);
  }
  c.version = static_cast<Version>(level);

  const std::size_t flags_at = r.offset();
  const std::uint8_t flags = r.Byte("connect flags");
  const auto will_qos = static_cast<std::uint8_t>((flags >> 3) & 0x3);
  if ((flags & kReserved) != 0) {
    r.Fail(ReasonCode::kMalformedPacket, "reserved connect flag set", flags_at);  // §3.1.2.3
  } else if (will_qos == 3) {
    r.Fail(ReasonCode::kMalformedPacket, "will QoS 3", flags_at);  // §3.1.2.6
  } else if ((flags & kWillFlag) == 0 && (will_qos != 0 || (flags & kWillRetain) != 0)) {
    r.Fail(ReasonCode::kMalformedPacket, "will QoS or retain without the will flag",
           flags_at);  // §3.1.2.6, §3.1.2.7
  } else if (c.version == Version::kV311 && (flags & kPasswordFlag) != 0 &&
             (flags & kUserNameFlag) == 0) {
    r.Fail(ReasonCode::kMalformedPacket, "password flag without the user name flag",
           flags_at);  // v3.1.1 §3.1.2.9
  }
  c.clean_start = (flags & kCleanStart) != 0;
  c.keep_alive = r.TwoByteInteger("keep alive");
  if (c.version == Version::kV5) c.properties = ReadProperties(r);

  c.client_id = r.Utf8String("client identifier");  // §3.1.3.1
  if ((flags & kWillFlag) != 0) {
    Will will;
    will.qos = static_cast<QoS>(will_qos);
    will.retain = (flags & kWillRetain) != 0;
    if (c.version == Version::kV5) will.properties = ReadProperties(r, /*will=*/true);
    const std::size_t topic_at = r.offset();
    will.topic = r.Utf8String("will topic");  // §3.1.3.3
    if (const char* problem = r.ok() ? TopicNameProblem(will.topic) : nullptr) {
      r.Fail(ReasonCode::kTopicNameInvalid, std::string("will topic ") + problem, topic_at);
    }
    will.payload = r.BinaryData("will payload");
    c.will = std::move(will);
  }
  if ((flags & kUserNameFlag) != 0) c.username = r.Utf8String("user name");
  if ((flags & kPasswordFlag) != 0) c.password = r.BinaryData("password");
  r.ExpectEnd();
  return c;
}

void WriteConnect(Writer& w, const Connect& c) {
  w.Utf8String(kProtocolName);
  w.Byte(static_cast<std::uint8_t>(c.version));
  std::uint8_t flags = c.clean_start ? kCleanStart : 0;
  if (c.will) {
    flags |= kWillFlag | static_cast<std::uint8_t>(static_cast<unsigned>(c.will->qos) << 3);
    if (c.will->retain) flags |= kWillRetain;
  }
  if (c.username) flags |= kUserNameFlag;
  if (c.password) flags |= kPasswordFlag;
  w.Byte(flags);
  w.TwoByteInteger(c.keep_alive);
  if (c.version == Version::kV5) WriteProperties(w, c.properties);
  w.Utf8String(c.client_id);
  if (c.will) {
    if (c.version == Version::kV5) WriteProperties(w, c.will->properties);
    w.Utf8String(c.will->topic);
    w.BinaryData(c.will->payload);
  }
  if (c.username) w.Utf8String(*c.username);
  if (c.password) w.BinaryData(*c.password);
}

std::optional<Problem> CheckConnect(const Connect& c) {
  if (c.version != Version::kV311 && c.version != Version::kV5) {
    return Problem{ReasonCode::kUnsupportedProtocolVersion,
                   "protocol level " + std::to_string(static_cast<int>(c.version))};
  }
  if (auto p = CheckPropertiesIn(c.properties, PacketType::kConnect, c.version)) return p;
  if (auto p = CheckString(c.client_id, "client identifier")) return p;
  if (c.will) {
    if (c.will->qos > QoS::kExactlyOnce) return Problem{ReasonCode::kMalformedPacket, "will QoS 3"};
    if (auto p = CheckPropertiesIn(c.will->properties, PacketType::kConnect, c.version, true)) {
      return p;
    }
    if (const char* problem = TopicNameProblem(c.will->topic)) {
      return Problem{ReasonCode::kTopicNameInvalid, std::string("will topic ") + problem};
    }
    if (auto p = CheckBinary(c.will->payload.size(), "will payload")) return p;
  }
  if (c.username) {
    if (auto p = CheckString(*c.username, "user name")) return p;
  }
  if (c.password) {
    if (auto p = CheckBinary(c.password->size(), "password")) return p;
    if (c.version == Version::kV311 && !c.username) {
      return Problem{ReasonCode::kMalformedPacket, "password without a user name"};
    }
  }
  return std::nullopt;
}

Connack ReadConnack(Reader& r, Version version) {
  Connack c;
  const std::size_t flags_at = r.offset();
  const std::uint8_t flags = r.Byte("acknowledge flags");
  if ((flags & 0xfe) != 0) {
    r.Fail(ReasonCode::kMalformedPacket, "reserved acknowledge flags set", flags_at);  // §3.2.2.1
  }
  c.session_present = (flags & 0x01) != 0;
  const std::size_t code_at = r.offset();
  const std::uint8_t code = r.Byte("reason code");
  if (version == Version::kV311) {
    if (r.ok() && code > 5) {
      r.Fail(ReasonCode::kMalformedPacket, "reserved return code " + std::to_string(code), code_at);
    }
    c.reason_code = FromConnectReturnCode(static_cast<ConnectReturnCode>(code));
  } else {
    c.reason_code = static_cast<ReasonCode>(code);
    if (auto p = r.ok() ? CheckReasonCode(c.reason_code, PacketType::kConnack) : std::nullopt) {
      r.Fail(*p, code_at);
    }
  }
  if (r.ok() && c.session_present && IsFailure(c.reason_code)) {
    r.Fail(ReasonCode::kProtocolError, "session present with a refusal", flags_at);  // §3.2.2.2
  }
  if (version == Version::kV5) c.properties = ReadProperties(r);
  r.ExpectEnd();
  return c;
}

void WriteConnack(Writer& w, const Connack& c, Version version) {
  w.Byte(c.session_present ? 1 : 0);
  if (version == Version::kV311) {
    w.Byte(static_cast<std::uint8_t>(
        ToConnectReturnCode(c.reason_code).value_or(ConnectReturnCode::kServerUnavailable)));
    return;
  }
  w.Byte(static_cast<std::uint8_t>(c.reason_code));
  WriteProperties(w, c.properties);
}

std::optional<Problem> CheckConnack(const Connack& c, Version version) {
  if (version == Version::kV311) {
    if (!ToConnectReturnCode(c.reason_code)) {
      return Problem{ReasonCode::kMalformedPacket,
                     "reason code " + Hex(static_cast<std::uint8_t>(c.reason_code)) +
                         " has no MQTT 3.1.1 return code"};
    }
  } else if (auto p = CheckReasonCode(c.reason_code, PacketType::kConnack)) {
    return p;
  }
  if (c.session_present && IsFailure(c.reason_code)) {
    return Problem{ReasonCode::kProtocolError, "session present with a refusal"};
  }
  return CheckPropertiesIn(c.properties, PacketType::kConnack, version);
}

}  // namespace custos::mqtt::wire
