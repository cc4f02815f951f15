// Operations to MQTT devices and their reports back to the engine.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
namespace ms = mqtt::server;
using core::OperationKind;

ms::Message OperationPublish(const core::Operation& op, const core::Device& device) {
  ms::Message m;
  m.topic = OperationTopic(device.name, ops::DeviceOperationId(op.id));
  const std::string text = OperationMessage(op);
  m.payload.assign(text.begin(), text.end());
  m.qos = mqtt::QoS::kAtLeastOnce;
  m.properties.SetPayloadFormatIndicator(1);
  m.properties.SetContentType("application/json");
  return m;
}

}  // namespace

std::string OperationMessage(const core::Operation& op) {
  json::object o;
  o["kind"] = core::ToString(op.kind);
  boost::system::error_code ec;
  json::value parameters = json::parse(op.parameters_json, ec);
  o["parameters"] = ec ? json::value(json::object()) : std::move(parameters);
  return json::serialize(o);
}

OperationDelivery::OperationDelivery(ContractServices services, ops::DeliveryListener& engine)
    : services_(services), engine_(engine) {}

void OperationDelivery::SetPublisher(Publisher publisher) { publish_ = std::move(publisher); }

void OperationDelivery::OnDeviceConnected(core::DeviceId device) { engine_.OnContact(device); }

void OperationDelivery::OnDevicePublished(core::DeviceId device) {
  if (!any_undelivered_.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard lock(mu_);
    if (undelivered_.erase(device) == 0) return;
    any_undelivered_ = !undelivered_.empty();
  }
  engine_.OnContact(device);
}

bool OperationDelivery::Supports(OperationKind kind) const {
  switch (kind) {
    case OperationKind::kReboot:
    case OperationKind::kFactoryReset:
    case OperationKind::kFirmwareUpdate:
    case OperationKind::kConfigure:
    case OperationKind::kCustom:
      return true;
    default:
      return false;
  }
}

bool OperationDelivery::Reachable(const core::Device& device) const {
  return device.connectivity.online;
}

void OperationDelivery::Deliver(const core::Operation& op, const core::Device& device) {
  if (op.kind == OperationKind::kConfigure) {
    Configure(op, device);
    return;
  }
  core::Result<ms::PublishOutcome> sent =
      publish_ ? publish_(device.id, OperationPublish(op, device))
               : core::Result<ms::PublishOutcome>(
                     core::MakeError(core::ErrorCode::kUnavailable, "MQTT is not serving"));
  if (sent) {
    engine_.OnDelivered(device.id, op.id);
    return;
  }
  {
    std::lock_guard lock(mu_);
    undelivered_.insert(device.id);
    any_undelivered_ = true;
  }
  engine_.OnUndelivered(device.id, op.id, sent.error());
}

void OperationDelivery::Configure(const core::Operation& op, const core::Device& device) {
  auto patch = twin::ParseObject(op.parameters_json);
  if (!patch) {
    engine_.OnResult(device.id, op.id, ops::DeviceOutcome::kFailed,
                     json::serialize(json::object{{"reason", patch.error().message}}));
    return;
  }
  core::Actor actor;
  actor.name = op.requested_by.empty() ? "system" : op.requested_by;
  actor.role = core::Role::kOperator;  // allowed when the operation was created
  twin::DeviceStates states(services_.store, services_.registry, services_.events);
  auto applied = states.PatchDesired(actor, device.id, *patch, std::nullopt);
  if (!applied) {
    engine_.OnResult(device.id, op.id, ops::DeviceOutcome::kFailed,
                     json::serialize(json::object{{"reason", applied.error().message}}));
    return;
  }
  engine_.OnResult(device.id, op.id, ops::DeviceOutcome::kSucceeded,
                   json::serialize(json::object{{"desired_version", applied->desired_version}}));
}

void OperationDelivery::OnOperationReport(const core::OperationReport& report) {
  auto id = ops::ParseDeviceOperationId(report.operation_id);
  if (!id) {
    spdlog::info("mqtt: device {}: report for operation '{}', which is not one of ours",
                 report.device_name, report.operation_id);
    return;
  }
  // The device has the operation, whatever we thought.
  engine_.OnDelivered(report.device_id, *id);
  if (!report.final) {
    engine_.OnProgress(report.device_id, *id, report.payload_json);
  } else {
    auto outcome = ops::ParseDeviceOutcome(report.state);
    engine_.OnResult(report.device_id, *id, outcome.value_or(ops::DeviceOutcome::kFailed),
                     report.payload_json);
  }
  engine_.SyncReports();  // stored before the device's PUBACK
}

}  // namespace custos::mqtt_contract
