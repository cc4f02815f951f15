// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (v5 §3.8 - §3.11, v3.1.1 §3.8 - §3.11).
#include <string>

#include "mqtt/packet_codecs.h"
#include "mqtt/property_codec.h"
#include "mqtt/topic.h"

namespace custos::mqtt::wire {
namespace {

// Subscription Options (v5 §3.8.3.1); 3.1.1 has the QoS bits alone.
constexpr std::uint8_t kQosBits = 0x03;
constexpr std::uint8_t kNoLocal = 0x04;
constexpr std::uint8_t kRetainAsPublished = 0x08;
constexpr std::uint8_t kReservedV5 = 0xc0;
constexpr std::uint8_t kReservedV311 = 0xfc;

std::optional<Problem> CheckFilter(std::string_view filter, Version version) {
  if (const char* problem = TopicFilterProblem(filter, version == Version::kV5)) {
    return Problem{ReasonCode::kTopicFilterInvalid, std::string("topic filter ") + problem};
  }
  return std::nullopt;
}

std::optional<Problem> CheckSubscription(const Subscription& s, Version version) {
  if (auto problem = CheckFilter(s.filter, version)) return problem;
  if (s.max_qos > QoS::kExactlyOnce) return Problem{ReasonCode::kMalformedPacket, "QoS 3"};
  if (version == Version::kV311) {
    if (s.no_local || s.retain_as_published ||
        s.retain_handling != RetainHandling::kSendOnSubscribe) {
      return Problem{ReasonCode::kMalformedPacket, "MQTT 5.0 subscription options in 3.1.1"};
    }
    return std::nullopt;
  }
  if (s.retain_handling > RetainHandling::kDoNotSend) {
    return Problem{ReasonCode::kProtocolError, "retain handling 3"};  // §3.8.3.1
  }
  if (s.no_local && ParseSharedSubscription(s.filter)) {
    return Problem{ReasonCode::kProtocolError, "No Local on a shared subscription"};  // §3.8.3.1
  }
  return std::nullopt;
}

// SUBACK and UNSUBACK reason codes; 3.1.1 SUBACK allows 0x00, 0x01, 0x02 and 0x80 only.
std::optional<Problem> CheckAckCode(ReasonCode code, PacketType packet, Version version) {
  if (version == Version::kV311 && code != ReasonCode::kGrantedQos0 &&
      code != ReasonCode::kGrantedQos1 && code != ReasonCode::kGrantedQos2 &&
      code != ReasonCode::kUnspecifiedError) {
    return Problem{ReasonCode::kMalformedPacket,
                   "return code " + Hex(static_cast<std::uint8_t>(code)) + " is reserved"};
  }
  return CheckReasonCode(code, packet);
}

std::uint16_t ReadPacketId(Reader& r) {
  const std::size_t at = r.offset();
  const std::uint16_t id = r.TwoByteInteger("packet identifier");
  if (auto problem = r.ok() ? CheckPacketId(id) : std::nullopt) r.Fail(*problem, at);
  return id;
}

void FailIfEmpty(Reader& r, const char* what) {
  if (r.ok() && r.remaining() == 0) r.Fail(ReasonCode::kProtocolError, what, r.offset());
}

std::vector<ReasonCode> ReadAckCodes(Reader& r, PacketType packet, Version version) {
  std::vector<ReasonCode> codes;
  FailIfEmpty(r, "without reason codes");
  while (r.ok() && r.remaining() > 0) {
    const std::size_t at = r.offset();
    const auto code = static_cast<ReasonCode>(r.Byte("reason code"));
    if (auto problem = CheckAckCode(code, packet, version)) r.Fail(*problem, at);
    codes.push_back(code);
  }
  return codes;
}

std::optional<Problem> CheckAckCodes(const std::vector<ReasonCode>& codes, PacketType packet,
                                     Version version) {
  if (codes.empty()) return Problem{ReasonCode::kProtocolError, "without reason codes"};
  for (ReasonCode code : codes) {
    if (auto problem = CheckAckCode(code, packet, version)) return problem;
  }
  return std::nullopt;
}

}  // namespace

Subscribe ReadSubscribe(Reader& r, Version version) {
  Subscribe s;
  s.packet_id = ReadPacketId(r);
  if (version == Version::kV5) s.properties = ReadProperties(r);
  FailIfEmpty(r, "without topic filters");  // v5 §3.8.3, v3.1.1 §3.8.3
  while (r.ok() && r.remaining() > 0) {
    Subscription sub;
    const std::size_t filter_at = r.offset();
    sub.filter = r.Utf8String("topic filter");
    const std::size_t options_at = r.offset();
    const std::uint8_t options = r.Byte("subscription options");
    if (!r.ok()) break;
    if ((options & (version == Version::kV5 ? kReservedV5 : kReservedV311)) != 0) {
      r.Fail(ReasonCode::kMalformedPacket, "reserved subscription option bits set", options_at);
      break;
    }
    sub.max_qos = static_cast<QoS>(options & kQosBits);
    sub.no_local = (options & kNoLocal) != 0;
    sub.retain_as_published = (options & kRetainAsPublished) != 0;
    sub.retain_handling = static_cast<RetainHandling>((options >> 4) & 0x3);
    if (auto problem = CheckSubscription(sub, version)) {
      r.Fail(*problem, problem->reason == ReasonCode::kTopicFilterInvalid ? filter_at : options_at);
    }
    s.subscriptions.push_back(std::move(sub));
  }
  return s;
}

void WriteSubscribe(Writer& w, const Subscribe& s, Version version) {
  w.TwoByteInteger(s.packet_id);
  if (version == Version::kV5) WriteProperties(w, s.properties);
  for (const Subscription& sub : s.subscriptions) {
    w.Utf8String(sub.filter);
    w.Byte(static_cast<std::uint8_t>(static_cast<unsigned>(sub.max_qos) |
                                     (sub.no_local ? kNoLocal : 0) |
                                     (sub.retain_as_published ? kRetainAsPublished : 0) |
                                     (static_cast<unsigned>(sub.retain_handling) << 4)));
  }
}

std::optional<Problem> CheckSubscribe(const Subscribe& s, Version version) {
  if (auto problem = CheckPacketId(s.packet_id)) return problem;
  if (auto problem = CheckPropertiesIn(s.properties, PacketType::kSubscribe, version)) {
    return problem;
  }
  if (s.subscriptions.empty()) return Problem{ReasonCode::kProtocolError, "without topic filters"};
  for (const Subscription& sub : s.subscriptions) {
    if (auto problem = CheckSubscription(sub, version)) return problem;
  }
  return std::nullopt;
}

Suback ReadSuback(Reader& r, Version version) {
  Suback s;
  s.packet_id = ReadPacketId(r);
  if (version == Version::kV5) s.properties = ReadProperties(r);
  s.reason_codes = ReadAckCodes(r, PacketType::kSuback, version);
  return s;
}

void WriteSuback(Writer& w, const Suback& s, Version version) {
  w.TwoByteInteger(s.packet_id);
  if (version == Version::kV5) WriteProperties(w, s.properties);
  for (ReasonCode code : s.reason_codes) w.Byte(static_cast<std::uint8_t>(code));
}

std::optional<Problem> CheckSuback(const Suback& s, Version version) {
  if (auto problem = CheckPacketId(s.packet_id)) return problem;
  if (auto problem = CheckPropertiesIn(s.properties, PacketType::kSuback, version)) {
    return problem;
  }
  return CheckAckCodes(s.reason_codes, PacketType::kSuback, version);
}

Unsubscribe ReadUnsubscribe(Reader& r, Version version) {
  Unsubscribe u;
  u.packet_id = ReadPacketId(r);
  if (version == Version::kV5) u.properties = ReadProperties(r);
  FailIfEmpty(r, "without topic filters");  // v5 §3.10.3, v3.1.1 §3.10.3
  while (r.ok() && r.remaining() > 0) {
    const std::size_t at = r.offset();
    std::string filter = r.Utf8String("topic filter");
    if (auto problem = r.ok() ? CheckFilter(filter, version) : std::nullopt) r.Fail(*problem, at);
    u.filters.push_back(std::move(filter));
  }
  return u;
}

void WriteUnsubscribe(Writer& w, const Unsubscribe& u, Version version) {
  w.TwoByteInteger(u.packet_id);
  if (version == Version::kV5) WriteProperties(w, u.properties);
  for (const std::string& filter : u.filters) w.Utf8String(filter);
}

std::optional<Problem> CheckUnsubscribe(const Unsubscribe& u, Version version) {
  if (auto problem = CheckPacketId(u.packet_id)) return problem;
  if (auto problem = CheckPropertiesIn(u.properties, PacketType::kUnsubscribe, version)) {
    return problem;
  }
  if (u.filters.empty()) return Problem{ReasonCode::kProtocolError, "without topic filters"};
  for (const std::string& filter : u.filters) {
    if (auto problem = CheckFilter(filter, version)) return problem;
  }
  return std::nullopt;
}

Unsuback ReadUnsuback(Reader& r, Version version) {
  Unsuback u;
  u.packet_id = ReadPacketId(r);
  if (version == Version::kV5) {
    u.properties = ReadProperties(r);
    u.reason_codes = ReadAckCodes(r, PacketType::kUnsuback, version);
  }
  r.ExpectEnd();
  return u;
}

void WriteUnsuback(Writer& w, const Unsuback& u, Version version) {
  w.TwoByteInteger(u.packet_id);
  if (version == Version::kV311) return;
  WriteProperties(w, u.properties);
  for (ReasonCode code : u.reason_codes) w.Byte(static_cast<std::uint8_t>(code));
}

std::optional<Problem> CheckUnsuback(const Unsuback& u, Version version) {
  if (auto problem = CheckPacketId(u.packet_id)) return problem;
  if (version == Version::kV311) {
    if (u.reason_codes.empty() && u.properties.empty()) return std::nullopt;
    return Problem{ReasonCode::kMalformedPacket, "reason codes or properties in 3.1.1"};
  }
  if (auto problem = CheckPropertiesIn(u.properties, PacketType::kUnsuback, version)) {
    return problem;
  }
  return CheckAckCodes(u.reason_codes, PacketType::kUnsuback, version);
}

}  // namespace custos::mqtt::wire
