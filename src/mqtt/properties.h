// The properties of one packet or Will (v5 §2.2.2), in the order they were sent or added,
// with typed accessors for the ones the server uses. Views returned by the accessors point
// into the Properties and live as long as it is unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/property.h"

namespace custos::mqtt {

class Properties {
 public:
  using const_iterator = std::vector<Property>::const_iterator;

  // Appends, keeping any earlier property with the same id (for the repeatable ones).
  void Add(Property property);
  // Replaces every property `id` by one with `value`, in the place of the first one.
  void Set(PropertyId id, PropertyValue value);
  // Removes every property `id`; returns how many there were.
  std::size_t Remove(PropertyId id);

  // The first property `id`, or nullptr.
  const Property* Find(PropertyId id) const;
  bool Has(PropertyId id) const { return Find(id) != nullptr; }
  // The first property `id` when it holds that kind of value; nullopt otherwise.
  std::optional<std::uint32_t> GetInteger(PropertyId id) const;
  std::optional<std::string_view> GetString(PropertyId id) const;
  std::optional<std::span<const std::uint8_t>> GetBinary(PropertyId id) const;

  // Typed accessors (v5 §3.1.2.11, §3.2.2.3, §3.3.2.3, §3.4.2.2 and the like).
  std::optional<std::uint8_t> PayloadFormatIndicator() const;
  std::optional<std::uint32_t> MessageExpiryInterval() const;
  std::optional<std::string_view> ContentType() const;
  std::optional<std::string_view> ResponseTopic() const;
  std::optional<std::span<const std::uint8_t>> CorrelationData() const;
  // Every Subscription Identifier in order (PUBLISH may carry several, SUBSCRIBE one).
  std::vector<std::uint32_t> SubscriptionIdentifiers() const;
  std::optional<std::uint32_t> SessionExpiryInterval() const;
  std::optional<std::string_view> AssignedClientIdentifier() const;
  std::optional<std::uint16_t> ServerKeepAlive() const;
  std::optional<std::string_view> AuthenticationMethod() const;
  std::optional<std::span<const std::uint8_t>> AuthenticationData() const;
  std::optional<std::uint32_t> WillDelayInterval() const;
  std::optional<std::string_view> ReasonString() const;
  std::optional<std::uint16_t> ReceiveMaximum() const;
  std::optional<std::uint16_t> TopicAliasMaximum() const;
  std::optional<std::uint16_t> TopicAlias() const;
  std::optional<std::uint32_t> MaximumPacketSize() const;
  // Every User Property in order; names may repeat (v5 §3.1.2.11.8).
  std::vector<StringPair> UserProperties() const;

  void SetPayloadFormatIndicator(std::uint8_t value);
  void SetMessageExpiryInterval(std::uint32_t seconds);
  void SetContentType(std::string value);
  void SetResponseTopic(std::string topic);
  void SetCorrelationData(std::vector<std::uint8_t> data);
  void AddSubscriptionIdentifier(std::uint32_t id);
  void SetSessionExpiryInterval(std::uint32_t seconds);
  void SetAssignedClientIdentifier(std::string id);
  void SetServerKeepAlive(std::uint16_t seconds);
  void SetAuthenticationMethod(std::string method);
  void SetAuthenticationData(std::vector<std::uint8_t> data);
  void SetReasonString(std::string reason);
  void SetReceiveMaximum(std::uint16_t value);
  void SetTopicAliasMaximum(std::uint16_t value);
  void SetTopicAlias(std::uint16_t alias);
  void SetMaximumPacketSize(std::uint32_t bytes);
  void SetMaximumQos(QoS qos);
  void SetRetainAvailable(bool available);
  void SetWildcardSubscriptionAvailable(bool available);
  void SetSubscriptionIdentifierAvailable(bool available);
  void SetSharedSubscriptionAvailable(bool available);
  void AddUserProperty(std::string name, std::string value);

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  bool operator==(const Properties&) const = default;

 private:
  std::vector<Property> items_;
};

}  // namespace custos::mqtt
