// DISCONNECT (v5 §3.14, v3.1.1 §3.14) and AUTH (v5 §3.15).
#include "mqtt/packet_codecs.h"
#include "mqtt/property_codec.h"

namespace custos::mqtt::wire {
namespace {

// v5 §3.14.2.1, §3.15.2.1: a Remaining Length of 0 means Success (Normal disconnection) and
// no properties; of 1, a reason code and no properties.
ReasonCode ReadReasonAndProperties(Reader& r, PacketType packet, Properties& properties) {
  if (r.remaining() == 0) return ReasonCode::kSuccess;
  const std::size_t code_at = r.offset();
  const auto code = static_cast<ReasonCode>(r.Byte("reason code"));
  if (auto problem = r.ok() ? CheckReasonCode(code, packet) : std::nullopt) {
    r.Fail(*problem, code_at);
  }
  if (r.remaining() > 0) properties = ReadProperties(r);
  r.ExpectEnd();
  return code;
}

void WriteReasonAndProperties(Writer& w, ReasonCode code, const Properties& properties) {
  if (code == ReasonCode::kSuccess && properties.empty()) return;
  w.Byte(static_cast<std::uint8_t>(code));
  if (!properties.empty()) WriteProperties(w, properties);
}

}  // namespace

Disconnect ReadDisconnect(Reader& r, Version version) {
  Disconnect d;
  if (version == Version::kV311) {
    r.ExpectEnd();
    return d;
  }
  d.reason_code = ReadReasonAndProperties(r, PacketType::kDisconnect, d.properties);
  return d;
}

void WriteDisconnect(Writer& w, const Disconnect& d, Version version) {
  if (version == Version::kV5) WriteReasonAndProperties(w, d.reason_code, d.properties);
}

std::optional<Problem> CheckDisconnect(const Disconnect& d, Version version) {
  if (version == Version::kV311 && d.reason_code != ReasonCode::kNormalDisconnection) {
    return Problem{ReasonCode::kMalformedPacket, "reason code in an MQTT 3.1.1 packet"};
  }
  if (auto problem = CheckReasonCode(d.reason_code, PacketType::kDisconnect)) return problem;
  return CheckPropertiesIn(d.properties, PacketType::kDisconnect, version);
}

Auth ReadAuth(Reader& r) {
  Auth a;
  a.reason_code = ReadReasonAndProperties(r, PacketType::kAuth, a.properties);
  return a;
}

void WriteAuth(Writer& w, const Auth& a) {
  WriteReasonAndProperties(w, a.reason_code, a.properties);
}

std::optional<Problem> CheckAuth(const Auth& a, Version version) {
  if (version == Version::kV311) {
    return Problem{ReasonCode::kMalformedPacket, "is not an MQTT 3.1.1 packet"};
  }
  if (auto problem = CheckReasonCode(a.reason_code, PacketType::kAuth)) return problem;
  return CheckProperties(a.properties, PacketType::kAuth, false);
}

}  // namespace custos::mqtt::wire
