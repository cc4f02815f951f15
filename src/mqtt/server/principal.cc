#include "mqtt/server/principal.h"

#include <algorithm>

namespace custos::mqtt::server {

namespace {

constexpr std::string_view kEventsPrefix = "events/";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string NamespacePrefix(std::string_view device_name) {
  std::string prefix = "devices/";
  prefix += device_name;
  prefix += '/';
  return prefix;
}

bool MayPublish(const Principal& principal, std::string_view topic) {
  if (!principal.is_device()) return false;
  // Device names cannot hold '/', '+' or '#' (core::ValidateDeviceName), so the prefix
  // test is exact: "devices/a/..." never admits device "a/b" or a wildcard level.
  return StartsWith(topic, NamespacePrefix(principal.name));
}

ReasonCode SubscribeVerdict(const Principal& principal, std::string_view filter, QoS qos) {
  if (StartsWith(filter, "$share/")) return ReasonCode::kSharedSubscriptionsNotSupported;
  const bool allowed = principal.is_device() ? StartsWith(filter, NamespacePrefix(principal.name))
                                             : StartsWith(filter, kEventsPrefix);
  if (!allowed) return ReasonCode::kNotAuthorized;
  return qos == QoS::kAtMostOnce ? ReasonCode::kGrantedQos0 : ReasonCode::kGrantedQos1;
}

std::string EventTopic(std::string_view event_type) {
  std::string topic(kEventsPrefix);
  topic += event_type;
  std::replace(topic.begin() + static_cast<std::ptrdiff_t>(kEventsPrefix.size()), topic.end(), '.',
               '/');
  return topic;
}

}  // namespace custos::mqtt::server
