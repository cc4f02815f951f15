// Who is on the other end of a connection, and what topics that principal may touch (the
// isolation rules of docs/mqtt.md, "Topics and isolation"). Internal to the mqtt/server module.
#pragma once

#include <string>
#include <string_view>

#include "core/core.h"
#include "mqtt/mqtt.h"

namespace custos::mqtt::server {

struct Principal {
  enum class Kind { kDevice, kOperator };
  Kind kind = Kind::kDevice;
  core::DeviceId device_id = 0;           // devices only
  std::string name;                       // the device's name, or the operator token's name
  core::Role role = core::Role::kViewer;  // operators only

  bool is_device() const { return kind == Kind::kDevice; }
};

// "devices/{name}/": every topic a device may use starts with it.
std::string NamespacePrefix(std::string_view device_name);

// Whether `principal` may publish to the valid Topic Name `topic`: a device inside its
// namespace; an operator never.
bool MayPublish(const Principal& principal, std::string_view topic);

// The SUBACK reason for the valid Topic Filter `filter` when `principal` asks for `qos`:
// Granted QoS (at most 1) when allowed; Not authorized for a device's filter outside its
// namespace (a top-level wildcard included) or an operator's outside "events/";
// Shared Subscriptions not supported for "$share/...".
ReasonCode SubscribeVerdict(const Principal& principal, std::string_view filter, QoS qos);

// The topic an EventBus event is published on for operators: "events/" and the type with
// '.' replaced by '/', e.g. "events/device/online".
std::string EventTopic(std::string_view event_type);

}  // namespace custos::mqtt::server
