// Internal to src/mqtt: the body of each packet type. Read* reads a body after its Fixed
// Header (`flags` are the header's low four bits) and leaves any refusal in the Reader;
// Write* writes a body; Check* names the first rule a value breaks, for Validate. The three
// follow the same rules, so that whatever Read* accepts Check* accepts, and whatever Check*
// accepts Write* writes so that Read* gives it back.
#pragma once

#include <optional>

#include "mqtt/packet.h"
#include "mqtt/wire.h"

namespace custos::mqtt::wire {

// CONNECT and CONNACK (v5 §3.1, §3.2).
Connect ReadConnect(Reader& reader);
void WriteConnect(Writer& writer, const Connect& packet);
std::optional<Problem> CheckConnect(const Connect& packet);
Connack ReadConnack(Reader& reader, Version version);
void WriteConnack(Writer& writer, const Connack& packet, Version version);
std::optional<Problem> CheckConnack(const Connack& packet, Version version);

// PUBLISH and the four responses to it (v5 §3.3 - §3.7).
Publish ReadPublish(Reader& reader, std::uint8_t flags, Version version);
void WritePublish(Writer& writer, const Publish& packet, Version version);
std::optional<Problem> CheckPublish(const Publish& packet, Version version);
// The DUP, QoS and RETAIN bits of the first byte.
std::uint8_t PublishFlags(const Publish& packet);
template <PacketType T>
PublishResponse<T> ReadPublishResponse(Reader& reader, Version version);
template <PacketType T>
void WritePublishResponse(Writer& writer, const PublishResponse<T>& packet, Version version);
template <PacketType T>
std::optional<Problem> CheckPublishResponse(const PublishResponse<T>& packet, Version version);

// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (v5 §3.8 - §3.11).
Subscribe ReadSubscribe(Reader& reader, Version version);
void WriteSubscribe(Writer& writer, const Subscribe& packet, Version version);
std::optional<Problem> CheckSubscribe(const Subscribe& packet, Version version);
Suback ReadSuback(Reader& reader, Version version);
void WriteSuback(Writer& writer, const Suback& packet, Version version);
std::optional<Problem> CheckSuback(const Suback& packet, Version version);
Unsubscribe ReadUnsubscribe(Reader& reader, Version version);
void WriteUnsubscribe(Writer& writer, const Unsubscribe& packet, Version version);
std::optional<Problem> CheckUnsubscribe(const Unsubscribe& packet, Version version);
Unsuback ReadUnsuback(Reader& reader, Version version);
void WriteUnsuback(Writer& writer, const Unsuback& packet, Version version);
std::optional<Problem> CheckUnsuback(const Unsuback& packet, Version version);

// DISCONNECT and AUTH (v5 §3.14, §3.15): a reason code and properties, both optional on the
// wire. PINGREQ and PINGRESP have no body and need no functions.
Disconnect ReadDisconnect(Reader& reader, Version version);
void WriteDisconnect(Writer& writer, const Disconnect& packet, Version version);
std::optional<Problem> CheckDisconnect(const Disconnect& packet, Version version);
Auth ReadAuth(Reader& reader);
void WriteAuth(Writer& writer, const Auth& packet);
std::optional<Problem> CheckAuth(const Auth& packet, Version version);

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
