// Internal to src/mqtt: the body of each packet type. Read* reads a body after its Fixed
// Header (`flags` are the header's low four bits) and leaves any refusal in the Reader `r`;
// Write* writes a body to `w`; Check* names the first rule a value breaks, for Validate. The
// three follow the same rules, so that whatever Read* accepts Check* accepts, and whatever
// Check* accepts Write* writes so that Read* gives it back.
#pragma once

#include <optional>

#include "mqtt/packet.h"
#include "mqtt/wire.h"

namespace custos::mqtt::wire {

// CONNECT and CONNACK (v5 §3.1, §3.2).
Connect ReadConnect(Reader& r);
void WriteConnect(Writer& w, const Connect& c);
std::optional<Problem> CheckConnect(const Connect& c);
Connack ReadConnack(Reader& r, Version version);
void WriteConnack(Writer& w, const Connack& c, Version version);
std::optional<Problem> CheckConnack(const Connack& c, Version version);

// PUBLISH and the four responses to it (v5 §3.3 - §3.7).
Publish ReadPublish(Reader& r, std::uint8_t flags, Version version);
void WritePublish(Writer& w, const Publish& p, Version version);
std::optional<Problem> CheckPublish(const Publish& p, Version version);
// The DUP, QoS and RETAIN bits of the first byte.
std::uint8_t PublishFlags(const Publish& p);
template <PacketType T>
PublishResponse<T> ReadPublishResponse(Reader& r, Version version);
template <PacketType T>
void WritePublishResponse(Writer& w, const PublishResponse<T>& p, Version version);
template <PacketType T>
std::optional<Problem> CheckPublishResponse(const PublishResponse<T>& p, Version version);

// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (v5 §3.8 - §3.11).
Subscribe ReadSubscribe(Reader& r, Version version);
void WriteSubscribe(Writer& w, const Subscribe& s, Version version);
std::optional<Problem> CheckSubscribe(const Subscribe& s, Version version);
Suback ReadSuback(Reader& r, Version version);
void WriteSuback(Writer& w, const Suback& s, Version version);
std::optional<Problem> CheckSuback(const Suback& s, Version version);
Unsubscribe ReadUnsubscribe(Reader& r, Version version);
void WriteUnsubscribe(Writer& w, const Unsubscribe& u, Version version);
std::optional<Problem> CheckUnsubscribe(const Unsubscribe& u, Version version);
Unsuback ReadUnsuback(Reader& r, Version version);
void WriteUnsuback(Writer& w, const Unsuback& u, Version version);
std::optional<Problem> CheckUnsuback(const Unsuback& u, Version version);

// DISCONNECT and AUTH (v5 §3.14, §3.15): a reason code and properties, both optional on the
// wire. PINGREQ and PINGRESP have no body and need no functions.
Disconnect ReadDisconnect(Reader& r, Version version);
void WriteDisconnect(Writer& w, const Disconnect& d, Version version);
std::optional<Problem> CheckDisconnect(const Disconnect& d, Version version);
Auth ReadAuth(Reader& r);
void WriteAuth(Writer& w, const Auth& a);
std::optional<Problem> CheckAuth(const Auth& a, Version version);

// Rules shared by the packets above.
// A UTF-8 string field: valid (see FindInvalidUtf8) and at most 65535 bytes.
std::optional<Problem> CheckString(std::string_view text, const char* field);
// A binary field: at most 65535 bytes.
std::optional<Problem> CheckBinary(std::size_t size, const char* field);
// A packet's properties in `version`: none in 3.1.1, else CheckProperties.
std::optional<Problem> CheckPropertiesIn(const Properties& properties, PacketType packet,
                                         Version version, bool will = false);
// A packet identifier where one is required: not 0 (Protocol Error).
std::optional<Problem> CheckPacketId(std::uint16_t id);
// A reason code of `packet` in v5: listed for it in Table 2-6 (else Malformed Packet).
std::optional<Problem> CheckReasonCode(ReasonCode code, PacketType packet);

}  // namespace custos::mqtt::wire
