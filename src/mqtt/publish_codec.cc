// PUBLISH (v5 §3.3, v3.1.1 §3.3) and its responses PUBACK, PUBREC, PUBREL and PUBCOMP
// (v5 §3.4 - §3.7, v3.1.1 §3.4 - §3.7).
#include <string>

#include "mqtt/packet_codecs.h"
#include "mqtt/property_codec.h"
#include "mqtt/topic.h"

namespace custos::mqtt::wire {
namespace {

// The topic rules of §3.3.2.1 and §3.3.2.3.4: a valid Topic Name, or in v5 an empty one when
// a Topic Alias stands for it.
std::optional<Problem> CheckTopic(const Publish& p, Version version) {
  if (p.topic.empty() && version == Version::kV5) {
    if (p.properties.TopicAlias()) return std::nullopt;
    return Problem{ReasonCode::kProtocolError, "empty topic name without a Topic Alias"};
  }
  if (const char* problem = TopicNameProblem(p.topic)) {
    return Problem{ReasonCode::kTopicNameInvalid, std::string("topic name ") + problem};
  }
  return std::nullopt;
}

}  // namespace

std::uint8_t PublishFlags(const Publish& p) {
  return static_cast<std::uint8_t>((p.dup ? 0x8 : 0) | (static_cast<unsigned>(p.qos) << 1) |
                                   (p.retain ? 0x1 : 0));
}

Publish ReadPublish(Reader& r, std::uint8_t flags, Version version) {
  Publish p;
  p.dup = (flags & 0x8) != 0;
  p.qos = static_cast<QoS>((flags >> 1) & 0x3);
  p.retain = (flags & 0x1) != 0;
  if (p.qos > QoS::kExactlyOnce) r.Fail(ReasonCode::kMalformedPacket, "QoS 3", 0);
  if (p.qos == QoS::kAtMostOnce && p.dup) r.Fail(ReasonCode::kMalformedPacket, "DUP at QoS 0", 0);
  const std::size_t topic_at = r.offset();
  p.topic = r.Utf8String("topic name");
  if (p.qos != QoS::kAtMostOnce) {
    const std::size_t id_at = r.offset();
    p.packet_id = r.TwoByteInteger("packet identifier");
    if (auto problem = r.ok() ? CheckPacketId(p.packet_id) : std::nullopt) r.Fail(*problem, id_at);
  }
  if (version == Version::kV5) p.properties = ReadProperties(r);
  if (auto problem = r.ok() ? CheckTopic(p, version) : std::nullopt) r.Fail(*problem, topic_at);
  p.payload = r.Rest();
  return p;
}

void WritePublish(Writer& w, const Publish& p, Version version) {
  w.Utf8String(p.topic);
  if (p.qos != QoS::kAtMostOnce) w.TwoByteInteger(p.packet_id);
  if (version == Version::kV5) WriteProperties(w, p.properties);
  w.Raw(p.payload);
}

std::optional<Problem> CheckPublish(const Publish& p, Version version) {
  if (p.qos > QoS::kExactlyOnce) return Problem{ReasonCode::kMalformedPacket, "QoS 3"};
  if (p.qos == QoS::kAtMostOnce) {
    if (p.dup) return Problem{ReasonCode::kMalformedPacket, "DUP at QoS 0"};
    if (p.packet_id != 0) {
      return Problem{ReasonCode::kMalformedPacket, "packet identifier at QoS 0"};
    }
  } else if (auto problem = CheckPacketId(p.packet_id)) {
    return problem;
  }
  if (auto problem = CheckString(p.topic, "topic name")) return problem;
  if (auto problem = CheckPropertiesIn(p.properties, PacketType::kPublish, version)) {
    return problem;
  }
  return CheckTopic(p, version);
}

template <PacketType T>
PublishResponse<T> ReadPublishResponse(Reader& r, Version version) {
  PublishResponse<T> p;
  const std::size_t id_at = r.offset();
  p.packet_id = r.TwoByteInteger("packet identifier");
  if (auto problem = r.ok() ? CheckPacketId(p.packet_id) : std::nullopt) r.Fail(*problem, id_at);
  // v5 §3.4.2.1: the reason code and the properties may be left out, in that order.
  if (version == Version::kV5 && r.remaining() > 0) {
    const std::size_t code_at = r.offset();
    p.reason_code = static_cast<ReasonCode>(r.Byte("reason code"));
    if (auto problem = r.ok() ? CheckReasonCode(p.reason_code, T) : std::nullopt) {
      r.Fail(*problem, code_at);
    }
    if (r.remaining() > 0) p.properties = ReadProperties(r);
  }
  r.ExpectEnd();
  return p;
}

template <PacketType T>
void WritePublishResponse(Writer& w, const PublishResponse<T>& p, Version version) {
  w.TwoByteInteger(p.packet_id);
  if (version == Version::kV311) return;
  if (p.reason_code == ReasonCode::kSuccess && p.properties.empty()) return;
  w.Byte(static_cast<std::uint8_t>(p.reason_code));
  if (!p.properties.empty()) WriteProperties(w, p.properties);
}

template <PacketType T>
std::optional<Problem> CheckPublishResponse(const PublishResponse<T>& p, Version version) {
  if (auto problem = CheckPacketId(p.packet_id)) return problem;
  if (version == Version::kV311 && p.reason_code != ReasonCode::kSuccess) {
    return Problem{ReasonCode::kMalformedPacket, "reason code in an MQTT 3.1.1 packet"};
  }
  if (auto problem = CheckReasonCode(p.reason_code, T)) return problem;
  return CheckPropertiesIn(p.properties, T, version);
}

#define CUSTOS_MQTT_PUBLISH_RESPONSE(T)                                               \
  template PublishResponse<T> ReadPublishResponse<T>(Reader&, Version);               \
  template void WritePublishResponse<T>(Writer&, const PublishResponse<T>&, Version); \
  template std::optional<Problem> CheckPublishResponse<T>(const PublishResponse<T>&, Version);
CUSTOS_MQTT_PUBLISH_RESPONSE(PacketType::kPuback)
CUSTOS_MQTT_PUBLISH_RESPONSE(PacketType::kPubrec)
CUSTOS_MQTT_PUBLISH_RESPONSE(PacketType::kPubrel)
CUSTOS_MQTT_PUBLISH_RESPONSE(PacketType::kPubcomp)
#undef CUSTOS_MQTT_PUBLISH_RESPONSE

}  // namespace custos::mqtt::wire
