// The server side of device topics: what the endpoint hands to the rest of Custos (the
// device-management contract is written on it). Part of the front door
// (mqtt/server/server.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/device.h"
#include "mqtt/mqtt.h"

namespace custos::mqtt::server {

// An application message, in either direction. `properties` holds the v5 PUBLISH properties
// that travel end to end: Payload Format Indicator, Message Expiry Interval, Content Type,
// Response Topic, Correlation Data and User Properties (never a Topic Alias or Subscription
// Identifier: those belong to one connection). A 3.1.1 device sends none and is sent none.
struct Message {
  std::string topic;
  Bytes payload;
  QoS qos = QoS::kAtMostOnce;
  bool retain = false;
  Properties properties;
};

// Who sent a message the server receives.
struct Sender {
  core::DeviceId device_id = 0;
  std::string device_name;  // also the device's client id
  bool will = false;        // the device's Last Will, published for it
  bool dup = false;         // the device says it may have sent this before (QoS 1 DUP)
};

struct ConnectInfo {
  core::DeviceId device_id = 0;
  std::string device_name;
  Version version = Version::kV5;
  std::string address;             // "host:port" of the peer
  std::string transport;           // "tcp" or "tls"
  std::uint16_t keep_alive_s = 0;  // as granted; 0: none
  bool session_present = false;
};

struct DisconnectInfo {
  core::DeviceId device_id = 0;
  std::string device_name;
  // Why the connection ended, in v5 terms: Normal disconnection when the device said
  // DISCONNECT, Keep Alive timeout, Session taken over, Not authorized (retired or
  // disabled), Server shutting down, Unspecified error for a lost connection, and so on.
  ReasonCode reason = ReasonCode::kNormalDisconnection;
  // A newer connection of the same device replaced this one: the device is still online.
  bool taken_over = false;
};

// Callbacks for device connections; operators' connections are not reported. They run on the
// server's worker threads, never on a socket thread, and the calls for one device come one
// at a time and in order (OnConnect, its OnPublishAsync calls, OnDisconnect): a slow callback
// holds up that device only. A callback must not throw (an exception is logged and taken as
// Implementation specific error).
class DeviceHandler {
 public:
  virtual ~DeviceHandler() = default;

  // After the CONNACK accepting the device was written.
  virtual void OnConnect(const ConnectInfo& info) = 0;
  // After a connection of the device ended, once per OnConnect.
  virtual void OnDisconnect(const DisconnectInfo& info) = 0;
  // A message the device published inside its namespace (or its Last Will). The result is
  // the v5 PUBACK reason code for QoS 1: Success, or a failure such as Unspecified error,
  // Implementation specific error, Not authorized, Quota exceeded, Payload format invalid.
  // A 3.1.1 device is always acknowledged (3.1.1 has no way to say no).
  virtual ReasonCode OnPublish(const Sender& sender, const Message& message) = 0;

  // How OnPublishAsync answers: once, from any thread, with what OnPublish would return.
  using PublishDone = std::function<void(ReasonCode)>;
  // OnPublish for a handler that must not hold the worker thread while a message is stored
  // (a QoS 1 PUBACK waits for its commit): it may call `done` before returning or later, from
  // any thread (the store's writer thread, after the commit). `sender` and `message` live only
  // until it returns. The next message of the device may be handed over before `done` of this
  // one came: the handler keeps them in order (the device contract queues them to the store's
  // writer in order). The server still sends a device its PUBACKs in the order its PUBLISHes
  // came (MQTT 5.0 and 3.1.1, section 4.6), and stops reading the connection while
  // ServerOptions::max_inflight_in of its messages are unanswered. The default calls OnPublish.
  virtual void OnPublishAsync(const Sender& sender, const Message& message, PublishDone done) {
    done(OnPublish(sender, message));
  }
};

}  // namespace custos::mqtt::server
