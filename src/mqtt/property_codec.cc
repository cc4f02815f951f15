#include "mqtt/property_codec.h"

#include <bitset>
#include <string>

#include "mqtt/topic.h"
#include "mqtt/utf8.h"

namespace custos::mqtt::wire {
namespace {

using enum PropertyId;

bool IsFlag(PropertyId id) {
  switch (id) {
    case kPayloadFormatIndicator:
    case kRequestProblemInformation:
    case kRequestResponseInformation:
    case kMaximumQos:
    case kRetainAvailable:
    case kWildcardSubscriptionAvailable:
    case kSubscriptionIdentifierAvailable:
    case kSharedSubscriptionAvailable:
      return true;
    default:
      return false;
  }
}

bool MustBeNonZero(PropertyId id) {
  return id == kReceiveMaximum || id == kMaximumPacketSize || id == kTopicAlias ||
         id == kSubscriptionIdentifier;
}

bool IsString(const std::string& s) { return s.size() <= kMaxStringLength && IsValidUtf8(s); }

// Whether the value holds what the property's type says (in range for the integers).
bool HoldsItsType(const Property& p, PropertyType type) {
  switch (type) {
    case PropertyType::kByte:
    case PropertyType::kTwoByteInteger:
    case PropertyType::kFourByteInteger:
    case PropertyType::kVariableByteInteger: {
      const auto* v = std::get_if<std::uint32_t>(&p.value);
      if (v == nullptr) return false;
      if (type == PropertyType::kByte) return *v <= 0xff;
      if (type == PropertyType::kTwoByteInteger) return *v <= 0xffff;
      if (type == PropertyType::kVariableByteInteger) return *v <= kMaxVariableByteInteger;
      return true;
    }
    case PropertyType::kUtf8String: {
      const auto* v = std::get_if<std::string>(&p.value);
      return v != nullptr && IsString(*v);
    }
    case PropertyType::kBinaryData: {
      const auto* v = std::get_if<std::vector<std::uint8_t>>(&p.value);
      return v != nullptr && v->size() <= kMaxStringLength;
    }
    case PropertyType::kUtf8StringPair: {
      const auto* v = std::get_if<StringPair>(&p.value);
      return v != nullptr && IsString(v->name) && IsString(v->value);
    }
  }
  return false;
}

std::uint32_t ReadInteger(Reader& r, PropertyType type, const char* name) {
  switch (type) {
    case PropertyType::kByte:
      return r.Byte(name);
    case PropertyType::kTwoByteInteger:
      return r.TwoByteInteger(name);
    case PropertyType::kFourByteInteger:
      return r.FourByteInteger(name);
    default:
      return r.VariableByteInteger(name);
  }
}

PropertyValue ReadValue(Reader& r, PropertyType type, const char* name) {
  switch (type) {
    case PropertyType::kUtf8String:
      return r.Utf8String(name);
    case PropertyType::kBinaryData:
      return r.BinaryData(name);
    case PropertyType::kUtf8StringPair: {
      StringPair pair;
      pair.name = r.Utf8String(name);
      pair.value = r.Utf8String(name);
      return pair;
    }
    default:
      return ReadInteger(r, type, name);
  }
}

std::string Where(PacketType packet, bool will) {
  return will ? std::string("the Will Properties") : std::string(ToString(packet));
}

}  // namespace

std::optional<Problem> CheckProperty(const Property& p, PacketType packet, bool will) {
  const std::string name = ToString(p.id);
  const auto type = PropertyTypeOf(static_cast<std::uint32_t>(p.id));
  if (!type) {
    return Problem{ReasonCode::kMalformedPacket,
                   "unknown property " + std::to_string(static_cast<int>(p.id))};
  }
  if (will ? !AllowedInWill(p.id) : !AllowedIn(p.id, packet)) {
    return Problem{ReasonCode::kMalformedPacket, name + " not allowed in " + Where(packet, will)};
  }
  if (!HoldsItsType(p, *type)) {
    return Problem{ReasonCode::kMalformedPacket, name + " does not hold a value of its type"};
  }
  const auto* integer = std::get_if<std::uint32_t>(&p.value);
  if (IsFlag(p.id) && *integer > 1) {
    return Problem{ReasonCode::kProtocolError,
                   name + " of " + std::to_string(*integer) + " (only 0 or 1 are allowed)"};
  }
  if (MustBeNonZero(p.id) && *integer == 0) {
    return Problem{ReasonCode::kProtocolError, name + " of 0"};
  }
  if (p.id == kResponseTopic) {
    if (const char* problem = TopicNameProblem(std::get<std::string>(p.value))) {
      return Problem{ReasonCode::kProtocolError, name + " " + problem};
    }
  }
  return std::nullopt;
}

std::optional<Problem> CheckProperties(const Properties& properties, PacketType packet, bool will) {
  std::bitset<256> seen;
  for (const Property& p : properties) {
    if (auto problem = CheckProperty(p, packet, will)) return problem;
    const auto id = static_cast<std::uint8_t>(p.id);
    if (seen[id] && !MayRepeat(p.id, packet)) {
      return Problem{ReasonCode::kProtocolError, std::string(ToString(p.id)) + " more than once"};
    }
    seen[id] = true;
  }
  if (properties.Has(kAuthenticationData) && !properties.Has(kAuthenticationMethod)) {
    return Problem{ReasonCode::kProtocolError,
                   "Authentication Data without an Authentication Method"};
  }
  return std::nullopt;
}

Properties ReadProperties(Reader& r, bool will) {
  Properties properties;
  const std::size_t start = r.offset();
  const std::uint32_t length =
      r.VariableByteInteger(will ? "will property length" : "property length");
  if (!r.ok()) return properties;
  if (length > r.remaining()) {
    r.Fail(ReasonCode::kMalformedPacket, "properties run past the end of the packet", start);
    return properties;
  }
  const std::size_t end = r.offset() + length;
  std::bitset<256> seen;
  while (r.ok() && r.offset() < end) {
    const std::size_t at = r.offset();
    const std::uint32_t id = r.VariableByteInteger("property identifier");
    const auto type = PropertyTypeOf(id);
    if (r.ok() && !type) {
      r.Fail(ReasonCode::kMalformedPacket, "unknown property " + std::to_string(id), at);
    }
    if (!r.ok()) break;
    Property p{static_cast<PropertyId>(id),
               ReadValue(r, *type, ToString(static_cast<PropertyId>(id)))};
    if (r.ok() && r.offset() > end) {
      r.Fail(ReasonCode::kMalformedPacket,
             std::string(ToString(p.id)) + " runs past the property length", at);
    }
    if (auto problem = CheckProperty(p, r.packet(), will)) r.Fail(*problem, at);
    if (seen[id] && !MayRepeat(p.id, r.packet())) {
      r.Fail(ReasonCode::kProtocolError, std::string(ToString(p.id)) + " more than once", at);
    }
    seen[id] = true;
    if (r.ok()) properties.Add(std::move(p));
  }
  if (r.ok() && properties.Has(kAuthenticationData) && !properties.Has(kAuthenticationMethod)) {
    r.Fail(ReasonCode::kProtocolError, "Authentication Data without an Authentication Method",
           start);
  }
  return properties;
}

void WriteProperties(Writer& w, const Properties& properties) {
  Writer counter(nullptr);
  for (int pass = 0; pass < 2; ++pass) {
    Writer& out = pass == 0 ? counter : w;
    if (pass == 1) out.VariableByteInteger(static_cast<std::uint32_t>(counter.size()));
    for (const Property& p : properties) {
      out.VariableByteInteger(static_cast<std::uint8_t>(p.id));
      const auto type = PropertyTypeOf(static_cast<std::uint32_t>(p.id));
      if (const auto* v = std::get_if<std::uint32_t>(&p.value)) {
        if (type == PropertyType::kByte) out.Byte(static_cast<std::uint8_t>(*v));
        if (type == PropertyType::kTwoByteInteger)
          out.TwoByteInteger(static_cast<std::uint16_t>(*v));
        if (type == PropertyType::kFourByteInteger) out.FourByteInteger(*v);
        if (type == PropertyType::kVariableByteInteger) out.VariableByteInteger(*v);
      } else if (const auto* s = std::get_if<std::string>(&p.value)) {
        out.Utf8String(*s);
      } else if (const auto* b = std::get_if<std::vector<std::uint8_t>>(&p.value)) {
        out.BinaryData(*b);
      } else if (const auto* pair = std::get_if<StringPair>(&p.value)) {
        out.Utf8String(pair->name);
        out.Utf8String(pair->value);
      }
    }
  }
}

}  // namespace custos::mqtt::wire
