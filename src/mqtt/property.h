// MQTT 5.0 Properties (v5 §2.2.2): the identifiers, the data type of each, and the packets
// each may appear in (v5 Table 2-4 in §2.2.2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/protocol.h"

namespace custos::mqtt {

enum class PropertyId : std::uint8_t {
  kPayloadFormatIndicator = 0x01,
  kMessageExpiryInterval = 0x02,
  kContentType = 0x03,
  kResponseTopic = 0x08,
  kCorrelationData = 0x09,
  kSubscriptionIdentifier = 0x0B,
  kSessionExpiryInterval = 0x11,
  kAssignedClientIdentifier = 0x12,
  kServerKeepAlive = 0x13,
  kAuthenticationMethod = 0x15,
  kAuthenticationData = 0x16,
  kRequestProblemInformation = 0x17,
  kWillDelayInterval = 0x18,
  kRequestResponseInformation = 0x19,
  kResponseInformation = 0x1A,
  kServerReference = 0x1C,
  kReasonString = 0x1F,
  kReceiveMaximum = 0x21,
  kTopicAliasMaximum = 0x22,
  kTopicAlias = 0x23,
  kMaximumQos = 0x24,
  kRetainAvailable = 0x25,
  kUserProperty = 0x26,
  kMaximumPacketSize = 0x27,
  kWildcardSubscriptionAvailable = 0x28,
  kSubscriptionIdentifierAvailable = 0x29,
  kSharedSubscriptionAvailable = 0x2A,
};

// The data types of v5 §1.5.
enum class PropertyType : std::uint8_t {
  kByte,
  kTwoByteInteger,
  kFourByteInteger,
  kVariableByteInteger,
  kUtf8String,
  kBinaryData,
  kUtf8StringPair,
};

// The type of the property `id`, or nullopt if v5 defines no property with that identifier.
std::optional<PropertyType> PropertyTypeOf(std::uint32_t id);

// The name v5 gives the property, e.g. "Session Expiry Interval"; "?" for an unknown id.
const char* ToString(PropertyId id);

// Whether Table 2-4 lists `id` for packets of `type` (AllowedIn) or for the Will Properties
// of CONNECT (AllowedInWill).
bool AllowedIn(PropertyId id, PacketType type);
bool AllowedInWill(PropertyId id);

// Whether `id` may appear more than once in a packet of `type`: User Property anywhere, and
// Subscription Identifier in PUBLISH (v5 §3.3.2.3.8; once at most in SUBSCRIBE, §3.8.2.1.2).
// Any other repetition is a Protocol Error.
bool MayRepeat(PropertyId id, PacketType type);

// A UTF-8 String Pair (v5 §1.5.7), the value of a User Property.
struct StringPair {
  std::string name;
  std::string value;

  bool operator==(const StringPair&) const = default;
};

// The value of one property: an integer for the Byte, Two Byte, Four Byte and Variable Byte
// Integer types, a string, binary data, or a string pair.
using PropertyValue =
    std::variant<std::uint32_t, std::string, std::vector<std::uint8_t>, StringPair>;

struct Property {
  PropertyId id = PropertyId::kPayloadFormatIndicator;
  PropertyValue value;

  bool operator==(const Property&) const = default;
};

}  // namespace custos::mqtt
