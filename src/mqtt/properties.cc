#include "mqtt/properties.h"

#include <algorithm>

namespace custos::mqtt {
namespace {

using enum PropertyId;

template <class T>
std::optional<T> Narrow(std::optional<std::uint32_t> value) {
  if (!value) return std::nullopt;
  return static_cast<T>(*value);
}

}  // namespace

void Properties::Add(Property property) { items_.push_back(std::move(property)); }

void Properties::Set(PropertyId id, PropertyValue value) {
  auto first =
      std::find_if(items_.begin(), items_.end(), [id](const Property& p) { return p.id == id; });
  if (first == items_.end()) {
    items_.push_back(Property{id, std::move(value)});
    return;
  }
  first->value = std::move(value);
  items_.erase(
      std::remove_if(first + 1, items_.end(), [id](const Property& p) { return p.id == id; }),
      items_.end());
}

std::size_t Properties::Remove(PropertyId id) {
  return std::erase_if(items_, [id](const Property& p) { return p.id == id; });
}

const Property* Properties::Find(PropertyId id) const {
  for (const Property& p : items_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::optional<std::uint32_t> Properties::GetInteger(PropertyId id) const {
  const Property* p = Find(id);
  if (p == nullptr) return std::nullopt;
  if (const auto* v = std::get_if<std::uint32_t>(&p->value)) return *v;
  return std::nullopt;
}

std::optional<std::string_view> Properties::GetString(PropertyId id) const {
  const Property* p = Find(id);
  if (p == nullptr) return std::nullopt;
  if (const auto* v = std::get_if<std::string>(&p->value)) return std::string_view(*v);
  return std::nullopt;
}

std::optional<std::span<const std::uint8_t>> Properties::GetBinary(PropertyId id) const {
  const Property* p = Find(id);
  if (p == nullptr) return std::nullopt;
  if (const auto* v = std::get_if<std::vector<std::uint8_t>>(&p->value)) {
    return std::span<const std::uint8_t>(*v);
  }
  return std::nullopt;
}

std::optional<std::uint8_t> Properties::PayloadFormatIndicator() const {
  return Narrow<std::uint8_t>(GetInteger(kPayloadFormatIndicator));
}
std::optional<std::uint32_t> Properties::MessageExpiryInterval() const {
  return GetInteger(kMessageExpiryInterval);
}
std::optional<std::string_view> Properties::ContentType() const { return GetString(kContentType); }
std::optional<std::string_view> Properties::ResponseTopic() const {
  return GetString(kResponseTopic);
}
std::optional<std::span<const std::uint8_t>> Properties::CorrelationData() const {
  return GetBinary(kCorrelationData);
}
std::vector<std::uint32_t> Properties::SubscriptionIdentifiers() const {
  std::vector<std::uint32_t> ids;
  for (const Property& p : items_) {
    if (p.id != kSubscriptionIdentifier) continue;
    if (const auto* v = std::get_if<std::uint32_t>(&p.value)) ids.push_back(*v);
  }
  return ids;
}
std::optional<std::uint32_t> Properties::SessionExpiryInterval() const {
  return GetInteger(kSessionExpiryInterval);
}
std::optional<std::string_view> Properties::AssignedClientIdentifier() const {
  return GetString(kAssignedClientIdentifier);
}
std::optional<std::uint16_t> Properties::ServerKeepAlive() const {
  return Narrow<std::uint16_t>(GetInteger(kServerKeepAlive));
}
std::optional<std::string_view> Properties::AuthenticationMethod() const {
  return GetString(kAuthenticationMethod);
}
std::optional<std::span<const std::uint8_t>> Properties::AuthenticationData() const {
  return GetBinary(kAuthenticationData);
}
std::optional<std::uint32_t> Properties::WillDelayInterval() const {
  return GetInteger(kWillDelayInterval);
}
std::optional<std::string_view> Properties::ReasonString() const {
  return GetString(kReasonString);
}
std::optional<std::uint16_t> Properties::ReceiveMaximum() const {
  return Narrow<std::uint16_t>(GetInteger(kReceiveMaximum));
}
std::optional<std::uint16_t> Properties::TopicAliasMaximum() const {
  return Narrow<std::uint16_t>(GetInteger(kTopicAliasMaximum));
}
std::optional<std::uint16_t> Properties::TopicAlias() const {
  return Narrow<std::uint16_t>(GetInteger(kTopicAlias));
}
std::optional<std::uint32_t> Properties::MaximumPacketSize() const {
  return GetInteger(kMaximumPacketSize);
}
std::vector<StringPair> Properties::UserProperties() const {
  std::vector<StringPair> pairs;
  for (const Property& p : items_) {
    if (const auto* v = std::get_if<StringPair>(&p.value); v && p.id == kUserProperty) {
      pairs.push_back(*v);
    }
  }
  return pairs;
}

void Properties::SetPayloadFormatIndicator(std::uint8_t value) {
  Set(kPayloadFormatIndicator, std::uint32_t{value});
}
void Properties::SetMessageExpiryInterval(std::uint32_t seconds) {
  Set(kMessageExpiryInterval, seconds);
}
void Properties::SetContentType(std::string value) { Set(kContentType, std::move(value)); }
void Properties::SetResponseTopic(std::string topic) { Set(kResponseTopic, std::move(topic)); }
void Properties::SetCorrelationData(std::vector<std::uint8_t> data) {
  Set(kCorrelationData, std::move(data));
}
void Properties::AddSubscriptionIdentifier(std::uint32_t id) {
  Add(Property{kSubscriptionIdentifier, id});
}
void Properties::SetSessionExpiryInterval(std::uint32_t seconds) {
  Set(kSessionExpiryInterval, seconds);
}
void Properties::SetAssignedClientIdentifier(std::string id) {
  Set(kAssignedClientIdentifier, std::move(id));
}
void Properties::SetServerKeepAlive(std::uint16_t seconds) {
  Set(kServerKeepAlive, std::uint32_t{seconds});
}
void Properties::SetAuthenticationMethod(std::string method) {
  Set(kAuthenticationMethod, std::move(method));
}
void Properties::SetAuthenticationData(std::vector<std::uint8_t> data) {
  Set(kAuthenticationData, std::move(data));
}
void Properties::SetReasonString(std::string reason) { Set(kReasonString, std::move(reason)); }
void Properties::SetReceiveMaximum(std::uint16_t value) {
  Set(kReceiveMaximum, std::uint32_t{value});
}
void Properties::SetTopicAliasMaximum(std::uint16_t value) {
  Set(kTopicAliasMaximum, std::uint32_t{value});
}
void Properties::SetTopicAlias(std::uint16_t alias) { Set(kTopicAlias, std::uint32_t{alias}); }
void Properties::SetMaximumPacketSize(std::uint32_t bytes) { Set(kMaximumPacketSize, bytes); }
void Properties::SetMaximumQos(QoS qos) { Set(kMaximumQos, static_cast<std::uint32_t>(qos)); }
void Properties::SetRetainAvailable(bool available) {
  Set(kRetainAvailable, std::uint32_t{available});
}
void Properties::SetWildcardSubscriptionAvailable(bool available) {
  Set(kWildcardSubscriptionAvailable, std::uint32_t{available});
}
void Properties::SetSubscriptionIdentifierAvailable(bool available) {
  Set(kSubscriptionIdentifierAvailable, std::uint32_t{available});
}
void Properties::SetSharedSubscriptionAvailable(bool available) {
  Set(kSharedSubscriptionAvailable, std::uint32_t{available});
}
void Properties::AddUserProperty(std::string name, std::string value) {
  Add(Property{kUserProperty, StringPair{std::move(name), std::move(value)}});
}

}  // namespace custos::mqtt
