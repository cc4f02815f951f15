// Front door of the mqtt/server module: the MQTT 3.1.1 / 5.0 endpoint devices connect to.
// Other modules include this header and nothing else under src/mqtt/server/. Asio and
// OpenSSL stay behind it (pimpl). docs/mqtt.md describes the endpoint for firmware authors.
//
// Design, in short:
// - Listeners: plain TCP and TLS (asio::ssl), both optional, port 0 for any free port. One
//   io_context on `io_threads` threads, a strand per connection. An idle plain connection
//   holds no read buffer: it waits for readability and then reads into a per-thread buffer;
//   the codec's Framer keeps only a partial packet. TLS connections read into a 2 KiB buffer.
// - Identity: a device logs in with client id = its name, user name = the identity of one of
//   its "password" credentials (by default the device name), password = the secret; or over
//   TLS with a client certificate whose SHA-256 fingerprint is one of its "x509" credentials
//   (no password needed). An empty client id is given the device's name (v5: Assigned Client
//   Identifier). Unknown user or wrong password: 0x86 (3.1.1: 4); a disabled or retired
//   device: 0x87 (3.1.1: 5); a client id that is not the device's name: 0x85 (3.1.1: 2).
//   Operators log in with user name `operator_username` and an operator token's secret as
//   password (role viewer or above); their sessions are never persistent.
// - Isolation: a device publishes and subscribes only under `devices/{name}/` (its topic
//   namespace). Anything else (another device's topics, `#`, `+/...`, `$share/...`) is
//   refused and counted: v5 SUBACK 0x87 per filter, v5 PUBACK 0x87 for QoS 1 (QoS 0: dropped),
//   3.1.1 SUBACK 0x80 per filter, and a 3.1.1 PUBLISH ends the connection. Operators may
//   subscribe to `events/...` only: the core::EventBus events, topic `events/` + the event
//   type with '.' as '/' (e.g. `events/device/online`), payload the JSON of the REST event
//   stream. Operators may not publish.
// - Server side: device messages go to DeviceHandler::OnPublishAsync (on a worker thread, one
//   at a time per device, in order), which answers when it likes (the device contract: after
//   the store committed the message), so no thread waits on a commit. PUBACKs go out in the
//   order the PUBLISHes came (v5 and v3.1.1 §4.6); at most max_inflight_in messages of a
//   connection are unanswered (v5 CONNACK Receive Maximum), and at that bound the connection
//   reads nothing more until an answer comes, so a slow store pushes back on the devices.
//   Server::Publish sends a message to a device through its session's subscriptions, queued
//   while it is offline if its session is persistent.
// - QoS: 0 and 1. QoS 2 is refused: v5 CONNACK announces Maximum QoS 1, a QoS 2 PUBLISH ends
//   the connection (v5 DISCONNECT 0x9B), a QoS 2 Will is refused (CONNACK 0x9B), a QoS 2
//   subscription is granted QoS 1. Retained messages are not kept (v5: Retain Available 0).
// - Sessions: by client id, in memory (a restart ends them). Clean start / Clean Session,
//   v5 Session Expiry Interval (capped), 3.1.1 persistent sessions kept for
//   max_session_expiry_s. A new connection with the same client id takes the session over
//   and closes the old one (v5 DISCONNECT 0x8E). QoS 1 messages to a device: an in-flight
//   window of min(max_inflight, the device's Receive Maximum), then a bounded queue (oldest
//   dropped and counted); unacknowledged ones are sent again with DUP after a reconnect;
//   Message Expiry is honoured while queued.
// - Will: published (through OnPublish, with Sender::will) when a connection ends without
//   DISCONNECT (or with v5 0x04), after the v5 Will Delay Interval unless the session
//   resumes first. Its topic must be inside the device's namespace (else CONNACK 0x87 / 5).
// - Protection: max_packet_size (v5 CONNACK Maximum Packet Size; larger: DISCONNECT 0x95),
//   a token bucket on CONNECTs (max_connect_rate; beyond: 0x9F / 3), a CONNECT deadline,
//   keep-alive enforced at 1.5 times (with Server Keep Alive when capped), a bound on bytes
//   waiting for the socket (slow consumer: closed and counted), max_connections.
// - Lifecycle: the server watches the EventBus; a device retired, disabled or deleted loses
//   its live connection at once (v5 DISCONNECT 0x98 Administrative action).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/core.h"
#include "mqtt/server/handler.h"
#include "mqtt/server/options.h"
#include "mqtt/server/stats.h"

namespace custos::mqtt::server {

// What the server uses. Everything must outlive the server.
struct Services {
  core::Store& store;
  core::Registry& registry;
  core::TokenService& tokens;
  core::EventBus& events;
  core::Clock& clock;  // message expiry and session expiry; keep-alives use a steady clock
};

// What Server::Publish did with a message.
enum class PublishOutcome {
  kSent,    // handed to the device's live connection (QoS 1: not yet acknowledged)
  kQueued,  // the device is offline: kept in its persistent session until it comes back
};

class Server {
 public:
  // Binds the enabled listeners and starts serving; kUnavailable with the reason if a
  // listener cannot bind or the TLS certificate or key cannot be loaded. `handler` may be
  // null (device messages are then acknowledged and dropped) and must outlive the server.
  static core::Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                     Services services, DeviceHandler* handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound ports (useful with port 0); 0 for a disabled listener.
  std::uint16_t port() const;
  std::uint16_t tls_port() const;

  // Sends `message` to the device from any thread, to the subscriptions of its session that
  // match the topic, at the lower of the message's QoS and the subscription's. kNotFound if
  // the device has no session (it never connected, or its session ended); kFailedPrecondition
  // if no subscription of the session matches; kInvalidArgument for a topic that is not a
  // valid Topic Name or QoS 2. A QoS 0 message to an offline device is not kept
  // (kFailedPrecondition). Properties other than the end-to-end ones of Message are dropped.
  core::Result<PublishOutcome> Publish(core::DeviceId device, Message message);

  // Closes the device's live connection, if any (v5 DISCONNECT with `reason`). Returns
  // whether there was one.
  bool Disconnect(core::DeviceId device, ReasonCode reason = ReasonCode::kAdministrativeAction);

  Stats stats() const;

  // Stops accepting, tells every client (v5 DISCONNECT 0x8B Server shutting down), waits up
  // to shutdown_grace_ms for connections to close, joins the threads. Wills of connections
  // closed this way are not published. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::mqtt::server
