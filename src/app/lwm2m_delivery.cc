#include "app/lwm2m_delivery.h"

#include <boost/json.hpp>

namespace custos::app {
namespace {

std::string FailureJson(const lwm2m::server::DmError& e) {
  boost::json::object o{{"reason", e.reason}, {"message", e.message}};
  if (!e.coap_code.empty()) o["code"] = e.coap_code;
  return boost::json::serialize(o);
}

}  // namespace

bool Lwm2mDelivery::Supports(core::OperationKind kind) const {
  switch (kind) {
    case core::OperationKind::kReboot:
    case core::OperationKind::kFactoryReset:
    case core::OperationKind::kRead:
    case core::OperationKind::kWrite:
    case core::OperationKind::kExecute:
    case core::OperationKind::kConfigure:
    case core::OperationKind::kCustom:
      return true;
    case core::OperationKind::kFirmwareUpdate:
      return firmware_ != nullptr;
    default:
      return false;
  }
}

bool Lwm2mDelivery::Reachable(const core::Device& device) const {
  return PresenceOf(registrations_, device.id, clock_.Now(), awake_) == Presence::kListening;
}

void Lwm2mDelivery::Cancel(const core::Operation& op, const core::Device& device) {
  if (op.kind == core::OperationKind::kFirmwareUpdate && firmware_ != nullptr) {
    firmware_->Forget(device.id, op.id);
  }
}

void Lwm2mDelivery::Deliver(const core::Operation& op, const core::Device& device) {
  if (op.kind == core::OperationKind::kFirmwareUpdate && firmware_ != nullptr) {
    firmware_->Begin(op, device);
    return;
  }
  auto call = ManagementCallOf(op);
  if (!call) {
    listener_.OnResult(device.id, op.id, ops::DeviceOutcome::kFailed,
                       boost::json::serialize(boost::json::object{
                           {"reason", "invalid_parameters"}, {"message", call.error().message}}));
    return;
  }
  ops::DeliveryListener& listener = listener_;
  const core::DeviceId id = device.id;
  const std::int64_t operation = op.id;
  devices_.Start(*call, [&listener, id,
                         operation](lwm2m::server::DmResult<boost::json::value> answer) {
    if (answer) {
      listener.OnDelivered(id, operation);
      listener.OnResult(id, operation, ops::DeviceOutcome::kSucceeded,
                        boost::json::serialize(boost::json::object{{"value", *answer}}));
      return;
    }
    const auto& e = answer.error();
    // No answer, no registration to send on, or the device's own "try later" (5.03): it
    // did not take it; try again. Any other CoAP error is the device's answer: it failed.
    const bool device_answered = !e.coap_code.empty() && e.coap_code != "5.03";
    if (!device_answered && (e.code == core::ErrorCode::kTimeout ||
                             e.reason == "device_not_registered" ||
                             e.code == core::ErrorCode::kUnavailable)) {
      listener.OnUndelivered(id, operation, core::Error{e.code, e.message});
      return;
    }
    listener.OnDelivered(id, operation);
    listener.OnResult(id, operation, ops::DeviceOutcome::kFailed, FailureJson(e));
  });
}

}  // namespace custos::app
