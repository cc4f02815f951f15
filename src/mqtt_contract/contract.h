// Front door of the mqtt_contract module: the device-management contract over MQTT
// (docs/mqtt-contract.md), on top of the endpoint (mqtt/server/server.h) and the twin module.
// Other modules include this header only.
//
// Design:
// - Topics live in the device's namespace `devices/{name}/`. Device to server: `identity`,
//   `state/reported`, `telemetry`, `logs`, `operations/{id}/progress|result`,
//   `requests[/{rid}]`. Server to device: `state/desired`, `state/delta`, `operations/{id}`,
//   `replies/{rid}` (or a v5 Response Topic), `errors`. Payloads are JSON (UTF-8).
// - DeviceContract is the endpoint's DeviceHandler: it classifies a message by topic, parses
//   its JSON, hands it to the twin module, and answers with the v5 PUBACK reason code (and,
//   for every version, a message on `devices/{name}/errors` that says why, for devices that
//   subscribe to it). Malformed JSON is refused with 0x99 Payload format invalid, counted,
//   and never stored.
// - Desired state reaches the device as the whole document with its version on
//   `state/desired`, and what the device still has to do on `state/delta` (QoS 1). It is
//   sent when an operator changes it (the device.state.desired event), queued by the endpoint
//   for an offline persistent session, and sent again on every (re)connect until the device
//   acknowledges the version (the `desired_version` member of its reported update). A device
//   that connects with a clean session subscribes after CONNACK, so a delivery that finds no
//   subscription yet is retried for a while (kDeliveryRetryMs) — the endpoint tells handlers
//   of connections, not of subscriptions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/core.h"
#include "mqtt/server/server.h"
#include "ops/ops.h"
#include "twin/twin.h"

namespace custos::mqtt_contract {

// What a topic of a device's namespace means in the contract.
enum class TopicKind {
  kIdentity,           // devices/{name}/identity
  kReported,           // devices/{name}/state/reported
  kTelemetry,          // devices/{name}/telemetry
  kLogs,               // devices/{name}/logs
  kOperationProgress,  // devices/{name}/operations/{id}/progress
  kOperationResult,    // devices/{name}/operations/{id}/result
  kRequest,            // devices/{name}/requests or devices/{name}/requests/{rid}
  kUnknown,            // anything else
};

// "identity", "reported", "telemetry", "logs", "operation_progress", "operation_result",
// "request", "unknown": the label of the kind in metrics.
const char* ToString(TopicKind kind);

struct DeviceTopic {
  TopicKind kind = TopicKind::kUnknown;
  std::string id;  // the operation id or request id, when the topic has one
};

// The meaning of `topic`, a topic name inside `devices/{device_name}/`.
DeviceTopic ClassifyTopic(std::string_view topic, std::string_view device_name);

// The topics the server publishes on.
std::string DesiredTopic(std::string_view device_name);
std::string DeltaTopic(std::string_view device_name);
std::string ReplyTopic(std::string_view device_name, std::string_view request_id);
std::string OperationTopic(std::string_view device_name, std::string_view operation_id);
std::string ErrorsTopic(std::string_view device_name);

// ---- payloads (JSON)
// A `state/reported` message: {"state": {merge patch}, "version": n, "desired_version": n},
// both versions optional. kInvalidArgument for anything else.
core::Result<twin::ReportedUpdate> ParseReportedMessage(std::string_view payload);
// An `identity` message: a JSON object of the identity members (strings) and
// "supported_operations" (an array of operation names), applied to the reported document
// like a reported update. kInvalidArgument for anything else.
core::Result<twin::ReportedUpdate> ParseIdentityMessage(std::string_view payload);
// A `logs` message: one or more lines, each a JSON object {"level", "message", "at"?} where
// "at" is an RFC 3339 time or epoch milliseconds (absent: when it arrived); blank lines are
// skipped, other members ignored. kInvalidArgument naming the line otherwise.
core::Result<std::vector<core::DeviceLogLine>> ParseLogLines(std::string_view payload);
// An `operations/{id}/progress` (final false) or `operations/{id}/result` (final true)
// message: a JSON object with "state" (progress: "in_progress" when absent; result:
// "succeeded", "failed" or "rejected"), and optionally "progress" (0 to 100), "message" and
// "result". kInvalidArgument otherwise.
core::Result<core::OperationReport> ParseOperationReport(std::string_view payload, bool final);
// A `requests` message: {"method": "time" | "desired" | "reported", ...}; the method.
core::Result<std::string> ParseRequestMethod(std::string_view payload);

// What `state/desired` carries: {"state": desired document, "version": n}.
std::string DesiredMessage(const core::DeviceState& state);
// What `state/delta` carries: {"state": delta, "version": desired version}.
std::string DeltaMessage(const core::DeviceState& state);

// Sends a message to a device (mqtt::server::Server::Publish, or a test's stand-in).
using Publisher = std::function<core::Result<mqtt::server::PublishOutcome>(core::DeviceId,
                                                                           mqtt::server::Message)>;

// Messages from devices by kind, and how they ended.
struct KindCounters {
  std::uint64_t accepted = 0;
  std::uint64_t malformed = 0;  // not JSON, or not the contract's shape: 0x99
  std::uint64_t refused = 0;    // well-formed but refused (version conflict, too large, ...)
};

struct Counters {
  std::map<TopicKind, KindCounters> messages;
  std::uint64_t desired_sent = 0;     // desired documents handed to a connection or session
  std::uint64_t desired_retried = 0;  // deliveries that waited for a subscription
  std::uint64_t replies_sent = 0;
};

struct ContractServices {
  core::Store& store;
  core::Registry& registry;
  core::EventBus& events;
  core::Clock& clock;
  // Where operation progress and results go (the operations engine in `custos serve`); null:
  // logged and published as operation.progress events (EventBusOperationReports), as in
  // tests that run the contract without an engine.
  core::OperationReportSink* operations = nullptr;
};

// The sink used without an operations engine: logs each report and publishes it on the event bus
// as operation.progress {"name", "operation_id", "final", "state", "report"}.
class EventBusOperationReports final : public core::OperationReportSink {
 public:
  explicit EventBusOperationReports(core::EventBus& events) : events_(events) {}
  void OnOperationReport(const core::OperationReport& report) override;

 private:
  core::EventBus& events_;
};

class DeviceContract final : public mqtt::server::DeviceHandler {
 public:
  // How long after a connect a desired state that found no subscription is tried again.
  static constexpr int kDeliveryRetryMs = 30'000;

  explicit DeviceContract(ContractServices services);
  ~DeviceContract() override;
  DeviceContract(const DeviceContract&) = delete;
  DeviceContract& operator=(const DeviceContract&) = delete;

  // Starts delivering: desired changes as they happen, retries of pending deliveries. Call
  // once, after the endpoint started, with its Publish.
  void Start(Publisher publisher);
  // Stops the delivery thread. Idempotent.
  void Stop();

  void OnConnect(const mqtt::server::ConnectInfo& info) override;
  void OnDisconnect(const mqtt::server::DisconnectInfo& info) override;
  mqtt::ReasonCode OnPublish(const mqtt::server::Sender& sender,
                             const mqtt::server::Message& message) override;
  // Reported state and identity are stored through the store's asynchronous path and `done`
  // comes after the commit (on the store's writer thread); everything else as OnPublish.
  void OnPublishAsync(const mqtt::server::Sender& sender, const mqtt::server::Message& message,
                      PublishDone done) override;

  Counters counters() const;

 private:
  struct Pending {
    std::string name;
    std::int64_t deadline_ms = 0;  // steady clock
  };
  enum class Delivery { kDone, kNoSubscription };

  static std::int64_t SteadyNowMs();
  // A device that publishes has subscribed by now, if it ever will: the desired state that
  // found no subscription at its connect goes now.
  void RetryDesiredOnPublish(const mqtt::server::Sender& sender);
  core::Result<void> Handle(const DeviceTopic& topic, const mqtt::server::Sender& sender,
                            const mqtt::server::Message& message);
  // Answers a request on its v5 Response Topic (with its Correlation Data) or on
  // `replies/{rid}`.
  core::Result<void> Answer(const DeviceTopic& topic, const mqtt::server::Sender& sender,
                            const mqtt::server::Message& message);
  // Sends the desired document and delta of the device if it has one; whether it found
  // a subscription (or an offline session) to take it.
  Delivery DeliverDesired(core::DeviceId id, std::string_view name, bool unacknowledged_only);
  void Refuse(const mqtt::server::Sender& sender, const mqtt::server::Message& message,
              const core::Error& error);
  void Count(TopicKind kind, const core::Result<void>& outcome);
  void Send(core::DeviceId id, mqtt::server::Message message);
  void DeliveryLoop();
  void RetryPending();

  ContractServices services_;
  EventBusOperationReports default_operations_;
  core::OperationReportSink* operations_;
  Publisher publish_;  // set once by Start, before started_
  std::atomic<bool> started_{false};
  std::shared_ptr<core::EventSubscription> desired_changes_;
  std::thread delivery_thread_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  Counters counters_;
  std::unordered_map<core::DeviceId, Pending> pending_;
};

// The MQTT side of remote operations (docs/mqtt-contract.md, "operations/{id}"): the
// operations engine's Deliverer for protocol "mqtt", and the sink of the devices' progress
// and results. It lives here, not in ops, because it speaks this contract's topics and
// payloads; the engine stays protocol-free.
// - An operation goes out on `devices/{name}/operations/op-{id}` (QoS 1) as
//   {"kind", "parameters"}; a live connection or an offline persistent session taking it
//   counts as delivered. No session or no matching subscription is undelivered: the engine
//   retries, and so does the device's next contact: its connect, or its next publish (by
//   then a device that connected with a clean session has subscribed).
// - configure is applied by the server as a merge patch of the desired state (the device
//   gets it as state/desired and state/delta) and succeeds once stored, with the new
//   desired version as its result.
// - Progress and results on `operations/op-{id}/progress|result` go to the engine; ids that
//   are not ours are logged and dropped.
class OperationDelivery final : public ops::Deliverer, public core::OperationReportSink {
 public:
  OperationDelivery(ContractServices services, ops::DeliveryListener& engine);

  // Sets how messages reach devices (the endpoint's Publish). Before the engine starts.
  void SetPublisher(Publisher publisher);
  // The device connected, or published something: what waits for it may go now.
  void OnDeviceConnected(core::DeviceId device);
  void OnDevicePublished(core::DeviceId device);

  std::string_view Protocol() const override { return "mqtt"; }
  // reboot, factory_reset, firmware_update, configure, custom.
  bool Supports(core::OperationKind kind) const override;
  bool Reachable(const core::Device& device) const override;
  void Deliver(const core::Operation& op, const core::Device& device) override;
  void OnOperationReport(const core::OperationReport& report) override;

 private:
  void Configure(const core::Operation& op, const core::Device& device);

  ContractServices services_;
  ops::DeliveryListener& engine_;
  Publisher publish_;
  std::mutex mu_;
  std::set<core::DeviceId> undelivered_;  // devices with an operation not handed over yet
  std::atomic<bool> any_undelivered_{false};  // spares every device publish the mutex
};

// What `operations/{id}` carries: {"kind": kind, "parameters": parameters}.
std::string OperationMessage(const core::Operation& op);

// The reason code for a refusal: 0x99 Payload format invalid for kInvalidArgument, 0x97
// Quota exceeded for kPayloadTooLarge, 0x87 Not authorized for kFailedPrecondition and
// kPermissionDenied, 0x83 Implementation specific error for kConflict, 0x80 otherwise.
mqtt::ReasonCode ReasonFor(core::ErrorCode code);

}  // namespace custos::mqtt_contract
