#include "mqtt/codec.h"

#include <string>
#include <type_traits>

#include "mqtt/packet_codecs.h"
#include "mqtt/variable_byte_integer.h"

namespace custos::mqtt {
namespace {

using wire::Problem;
using wire::Reader;
using wire::Writer;

template <class P>
inline constexpr bool kIsPublishResponse = std::is_same_v<P, Puback> || std::is_same_v<P, Pubrec> ||
                                           std::is_same_v<P, Pubrel> || std::is_same_v<P, Pubcomp>;

Packet ReadBody(Reader& r, const FixedHeader& header, Version version) {
  switch (header.type) {
    case PacketType::kConnect:
      return wire::ReadConnect(r);
    case PacketType::kConnack:
      return wire::ReadConnack(r, version);
    case PacketType::kPublish:
      return wire::ReadPublish(r, header.flags, version);
    case PacketType::kPuback:
      return wire::ReadPublishResponse<PacketType::kPuback>(r, version);
    case PacketType::kPubrec:
      return wire::ReadPublishResponse<PacketType::kPubrec>(r, version);
    case PacketType::kPubrel:
      return wire::ReadPublishResponse<PacketType::kPubrel>(r, version);
    case PacketType::kPubcomp:
      return wire::ReadPublishResponse<PacketType::kPubcomp>(r, version);
    case PacketType::kSubscribe:
      return wire::ReadSubscribe(r, version);
    case PacketType::kSuback:
      return wire::ReadSuback(r, version);
    case PacketType::kUnsubscribe:
      return wire::ReadUnsubscribe(r, version);
    case PacketType::kUnsuback:
      return wire::ReadUnsuback(r, version);
    case PacketType::kPingreq:
      r.ExpectEnd();
      return Pingreq{};
    case PacketType::kPingresp:
      r.ExpectEnd();
      return Pingresp{};
    case PacketType::kDisconnect:
      return wire::ReadDisconnect(r, version);
    case PacketType::kAuth:
      return wire::ReadAuth(r);
  }
  r.Fail(ReasonCode::kMalformedPacket, "reserved packet type", 0);
  return Pingreq{};
}

// The version a packet is written and checked in: a CONNECT carries its own.
Version VersionFor(const Packet& packet, Version version) {
  const auto* connect = std::get_if<Connect>(&packet);
  return connect != nullptr ? connect->version : version;
}

void WriteBody(Writer& w, const Packet& packet, Version version) {
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, Connect>) wire::WriteConnect(w, p);
        if constexpr (std::is_same_v<P, Connack>) wire::WriteConnack(w, p, version);
        if constexpr (std::is_same_v<P, Publish>) wire::WritePublish(w, p, version);
        if constexpr (kIsPublishResponse<P>) wire::WritePublishResponse(w, p, version);
        if constexpr (std::is_same_v<P, Subscribe>) wire::WriteSubscribe(w, p, version);
        if constexpr (std::is_same_v<P, Suback>) wire::WriteSuback(w, p, version);
        if constexpr (std::is_same_v<P, Unsubscribe>) wire::WriteUnsubscribe(w, p, version);
        if constexpr (std::is_same_v<P, Unsuback>) wire::WriteUnsuback(w, p, version);
        if constexpr (std::is_same_v<P, Disconnect>) wire::WriteDisconnect(w, p, version);
        if constexpr (std::is_same_v<P, Auth>) wire::WriteAuth(w, p);
      },
      packet);
}

std::optional<Problem> Check(const Packet& packet, Version version) {
  return std::visit(
      [&](const auto& p) -> std::optional<Problem> {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, Connect>) return wire::CheckConnect(p);
        if constexpr (std::is_same_v<P, Connack>) return wire::CheckConnack(p, version);
        if constexpr (std::is_same_v<P, Publish>) return wire::CheckPublish(p, version);
        if constexpr (kIsPublishResponse<P>) return wire::CheckPublishResponse(p, version);
        if constexpr (std::is_same_v<P, Subscribe>) return wire::CheckSubscribe(p, version);
        if constexpr (std::is_same_v<P, Suback>) return wire::CheckSuback(p, version);
        if constexpr (std::is_same_v<P, Unsubscribe>) return wire::CheckUnsubscribe(p, version);
        if constexpr (std::is_same_v<P, Unsuback>) return wire::CheckUnsuback(p, version);
        if constexpr (std::is_same_v<P, Disconnect>) return wire::CheckDisconnect(p, version);
        if constexpr (std::is_same_v<P, Auth>) return wire::CheckAuth(p, version);
        return std::nullopt;  // PINGREQ, PINGRESP
      },
      packet);
}

std::uint8_t FirstByteOf(const Packet& packet) {
  if (const auto* publish = std::get_if<Publish>(&packet)) {
    return FirstByte(PacketType::kPublish) | wire::PublishFlags(*publish);
  }
  return FirstByte(TypeOf(packet));
}

std::size_t BodySize(const Packet& packet, Version version) {
  Writer counter(nullptr);
  WriteBody(counter, packet, version);
  return counter.size();
}

}  // namespace

core::Result<Packet> DecodeBody(const FixedHeader& header, std::span<const std::uint8_t> body,
                                Version version) {
  const std::string name = ToString(header.type);
  if (body.size() != header.remaining_length) {
    return tl::unexpected(wire::Refusal(ReasonCode::kMalformedPacket,
                                        name + " body of " + std::to_string(body.size()) +
                                            " bytes for a remaining length of " +
                                            std::to_string(header.remaining_length),
                                        header.size));
  }
  const bool flags_ok =
      header.type == PacketType::kPublish || header.flags == (FirstByte(header.type) & 0x0f);
  if (!flags_ok || static_cast<unsigned>(header.type) == 0) {
    return tl::unexpected(
        wire::Refusal(ReasonCode::kMalformedPacket, name + " with reserved flags or type", 0));
  }
  if (header.type == PacketType::kAuth && version == Version::kV311) {
    return tl::unexpected(
        wire::Refusal(ReasonCode::kMalformedPacket, "reserved packet type 15 in MQTT 3.1.1", 0));
  }
  Reader reader(body, header.size, header.type);
  Packet packet = ReadBody(reader, header, version);
  if (!reader.ok()) return tl::unexpected(reader.error());
  return packet;
}

core::Result<Packet> Decode(std::span<const std::uint8_t> bytes, Version version) {
  auto header = DecodeFixedHeader(bytes);
  if (!header) return tl::unexpected(header.error());
  if (!*header) {
    return tl::unexpected(
        wire::Refusal(ReasonCode::kMalformedPacket, "fixed header truncated", bytes.size()));
  }
  const std::size_t size = (*header)->PacketSize();
  if (bytes.size() != size) {
    const bool short_by = bytes.size() < size;
    return tl::unexpected(wire::Refusal(
        ReasonCode::kMalformedPacket,
        std::string(ToString((*header)->type)) + (short_by ? " truncated: " : " followed by ") +
            std::to_string(short_by ? bytes.size() : bytes.size() - size) +
            (short_by ? " of " + std::to_string(size) + " bytes" : " more bytes"),
        short_by ? bytes.size() : size));
  }
  return DecodeBody(**header, bytes.subspan((*header)->size), version);
}

core::Result<void> Validate(const Packet& packet, Version version) {
  version = VersionFor(packet, version);
  const std::string name = ToString(TypeOf(packet));
  if (auto problem = Check(packet, version)) {
    return tl::unexpected(wire::Refusal(problem->reason, name + " " + problem->what));
  }
  if (BodySize(packet, version) > kMaxVariableByteInteger) {
    return tl::unexpected(wire::Refusal(ReasonCode::kPacketTooLarge,
                                        name + " larger than the largest remaining length"));
  }
  return {};
}

std::size_t EncodedSize(const Packet& packet, Version version) {
  const std::size_t body = BodySize(packet, VersionFor(packet, version));
  return 1 + VariableByteIntegerSize(static_cast<std::uint32_t>(body)) + body;
}

void EncodeTo(const Packet& packet, Version version, Bytes& out) {
  version = VersionFor(packet, version);
  const std::size_t body = BodySize(packet, version);
  out.reserve(out.size() + 5 + body);
  out.push_back(FirstByteOf(packet));
  AppendVariableByteInteger(static_cast<std::uint32_t>(body), out);
  Writer writer(&out);
  WriteBody(writer, packet, version);
}

Bytes Encode(const Packet& packet, Version version) {
  Bytes out;
  EncodeTo(packet, version, out);
  return out;
}

}  // namespace custos::mqtt
