#include "mqtt/property.h"

namespace custos::mqtt {
namespace {

// Bit n stands for packet type n; bit 0 (type 0 is reserved) for the Will Properties.
constexpr std::uint16_t Bit(PacketType type) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(type));
}
constexpr std::uint16_t kWill = 1;
constexpr std::uint16_t kConnect = Bit(PacketType::kConnect);
constexpr std::uint16_t kConnack = Bit(PacketType::kConnack);
constexpr std::uint16_t kPublish = Bit(PacketType::kPublish);
constexpr std::uint16_t kSubscribe = Bit(PacketType::kSubscribe);
constexpr std::uint16_t kDisconnect = Bit(PacketType::kDisconnect);
constexpr std::uint16_t kAuth = Bit(PacketType::kAuth);
constexpr std::uint16_t kAcks = Bit(PacketType::kPuback) | Bit(PacketType::kPubrec) |
                                Bit(PacketType::kPubrel) | Bit(PacketType::kPubcomp) |
                                Bit(PacketType::kSuback) | Bit(PacketType::kUnsuback);
// User Property: every packet with properties (all but PINGREQ, PINGRESP) and the Will.
constexpr std::uint16_t kEverywhere =
    (0xfffe & ~Bit(PacketType::kPingreq) & ~Bit(PacketType::kPingresp)) | kWill;

struct Entry {
  PropertyId id;
  const char* name;
  PropertyType type;
  std::uint16_t scopes;
};

using enum PropertyId;
using T = PropertyType;

// v5 §2.2.2.2, Table 2-4.
constexpr Entry kTable[] = {
    {kPayloadFormatIndicator, "Payload Format Indicator", T::kByte, kPublish | kWill},
    {kMessageExpiryInterval, "Message Expiry Interval", T::kFourByteInteger, kPublish | kWill},
    {kContentType, "Content Type", T::kUtf8String, kPublish | kWill},
    {kResponseTopic, "Response Topic", T::kUtf8String, kPublish | kWill},
    {kCorrelationData, "Correlation Data", T::kBinaryData, kPublish | kWill},
    {kSubscriptionIdentifier, "Subscription Identifier", T::kVariableByteInteger,
     kPublish | kSubscribe},
    {kSessionExpiryInterval, "Session Expiry Interval", T::kFourByteInteger,
     kConnect | kConnack | kDisconnect},
    {kAssignedClientIdentifier, "Assigned Client Identifier", T::kUtf8String, kConnack},
    {kServerKeepAlive, "Server Keep Alive", T::kTwoByteInteger, kConnack},
    {kAuthenticationMethod, "Authentication Method", T::kUtf8String, kConnect | kConnack | kAuth},
    {kAuthenticationData, "Authentication Data", T::kBinaryData, kConnect | kConnack | kAuth},
    {kRequestProblemInformation, "Request Problem Information", T::kByte, kConnect},
    {kWillDelayInterval, "Will Delay Interval", T::kFourByteInteger, kWill},
    {kRequestResponseInformation, "Request Response Information", T::kByte, kConnect},
    {kResponseInformation, "Response Information", T::kUtf8String, kConnack},
    {kServerReference, "Server Reference", T::kUtf8String, kConnack | kDisconnect},
    {kReasonString, "Reason String", T::kUtf8String, kConnack | kAcks | kDisconnect | kAuth},
    {kReceiveMaximum, "Receive Maximum", T::kTwoByteInteger, kConnect | kConnack},
    {kTopicAliasMaximum, "Topic Alias Maximum", T::kTwoByteInteger, kConnect | kConnack},
    {kTopicAlias, "Topic Alias", T::kTwoByteInteger, kPublish},
    {kMaximumQos, "Maximum QoS", T::kByte, kConnack},
    {kRetainAvailable, "Retain Available", T::kByte, kConnack},
    {kUserProperty, "User Property", T::kUtf8StringPair, kEverywhere},
    {kMaximumPacketSize, "Maximum Packet Size", T::kFourByteInteger, kConnect | kConnack},
    {kWildcardSubscriptionAvailable, "Wildcard Subscription Available", T::kByte, kConnack},
    {kSubscriptionIdentifierAvailable, "Subscription Identifier Available", T::kByte, kConnack},
    {kSharedSubscriptionAvailable, "Shared Subscription Available", T::kByte, kConnack},
};

const Entry* Find(std::uint32_t id) {
  for (const Entry& e : kTable) {
    if (static_cast<std::uint32_t>(e.id) == id) return &e;
  }
  return nullptr;
}

}  // namespace

std::optional<PropertyType> PropertyTypeOf(std::uint32_t id) {
  const Entry* e = Find(id);
  if (e == nullptr) return std::nullopt;
  return e->type;
}

const char* ToString(PropertyId id) {
  const Entry* e = Find(static_cast<std::uint32_t>(id));
  return e != nullptr ? e->name : "?";
}

bool AllowedIn(PropertyId id, PacketType type) {
  const Entry* e = Find(static_cast<std::uint32_t>(id));
  return e != nullptr && (e->scopes & Bit(type)) != 0;
}

bool AllowedInWill(PropertyId id) {
  const Entry* e = Find(static_cast<std::uint32_t>(id));
  return e != nullptr && (e->scopes & kWill) != 0;
}

bool MayRepeat(PropertyId id, PacketType type) {
  return id == kUserProperty || (id == kSubscriptionIdentifier && type == PacketType::kPublish);
}

}  // namespace custos::mqtt
