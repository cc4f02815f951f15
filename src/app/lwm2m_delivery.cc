#include "app/lwm2m_delivery.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace custos::app {
namespace {

using Kind = lwm2m::server::ManagementCall::Kind;

core::Result<std::string> StringMember(const boost::json::object& o, const char* name,
                                       bool required) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    if (!required) return std::string();
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("parameters: \"{}\" is required", name));
  }
  if (!v->is_string()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("parameters: \"{}\" must be a string", name));
  }
  return std::string(v->as_string());
}

std::string FailureJson(const lwm2m::server::DmError& e) {
  boost::json::object o{{"reason", e.reason}, {"message", e.message}};
  if (!e.coap_code.empty()) o["code"] = e.coap_code;
  return boost::json::serialize(o);
}

}  // namespace

core::Result<lwm2m::server::ManagementCall> ManagementCallOf(const core::Operation& op) {
  lwm2m::server::ManagementCall call;
  call.device = op.device_id;
  if (op.kind == core::OperationKind::kReboot || op.kind == core::OperationKind::kFactoryReset) {
    call.kind = Kind::kExecute;
    call.path = op.kind == core::OperationKind::kReboot ? "/3/0/4" : "/3/0/5";
    return call;
  }
  boost::system::error_code ec;
  auto parsed = boost::json::parse(op.parameters_json, ec);
  if (ec || !parsed.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "parameters: not a JSON object");
  }
  const auto& p = parsed.as_object();
  auto path = StringMember(p, "path", true);
  if (!path) return tl::unexpected(path.error());
  call.path = *path;
  switch (op.kind) {
    case core::OperationKind::kRead: {
      auto format = StringMember(p, "format", false);
      if (!format) return tl::unexpected(format.error());
      call.kind = Kind::kRead;
      call.format = *format;
      return call;
    }
    case core::OperationKind::kExecute: {
      auto arguments = StringMember(p, "arguments", false);
      if (!arguments) return tl::unexpected(arguments.error());
      call.kind = Kind::kExecute;
      call.arguments = *arguments;
      return call;
    }
    case core::OperationKind::kWrite:
    case core::OperationKind::kConfigure:
      if (const auto* value = p.if_contains("value")) {
        call.kind = Kind::kWrite;
        call.body = *value;
      } else if (const auto* values = p.if_contains("values")) {
        call.kind = Kind::kWritePartial;
        call.body = *values;
      } else {
        return core::MakeError(core::ErrorCode::kInvalidArgument,
                               "parameters: \"value\" or \"values\" is required");
      }
      return call;
    default:
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             fmt::format("{} is not an LwM2M operation", ToString(op.kind)));
  }
}

bool Lwm2mDelivery::Supports(core::OperationKind kind) const {
  switch (kind) {
    case core::OperationKind::kReboot:
    case core::OperationKind::kFactoryReset:
    case core::OperationKind::kRead:
    case core::OperationKind::kWrite:
    case core::OperationKind::kExecute:
    case core::OperationKind::kConfigure:
      return true;
    default:
      return false;
  }
}

bool Lwm2mDelivery::Reachable(const core::Device& device) const {
  auto registration = registrations_.FindByDevice(device.id);
  if (!registration) return false;
  if (!registration->queue_mode) return true;
  return clock_.Now() - registration->updated_at < awake_.count();
}

void Lwm2mDelivery::Deliver(const core::Operation& op, const core::Device& device) {
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
  auto reply = [&listener, id, operation](lwm2m::server::DmResult<boost::json::value> answer) {
    if (answer) {
      listener.OnDelivered(id, operation);
      listener.OnResult(id, operation, ops::DeviceOutcome::kSucceeded,
                        boost::json::serialize(boost::json::object{{"value", *answer}}));
      return;
    }
    const auto& e = answer.error();
    // No answer, or no registration to send on: the device did not take it; try again.
    if (e.code == core::ErrorCode::kTimeout || e.reason == "device_not_registered" ||
        e.code == core::ErrorCode::kUnavailable) {
      listener.OnUndelivered(id, operation, core::Error{e.code, e.message});
      return;
    }
    listener.OnDelivered(id, operation);
    listener.OnResult(id, operation, ops::DeviceOutcome::kFailed, FailureJson(e));
  };
  auto path = lwm2m::ParsePath(call->path);
  if (!path) {
    listener_.OnResult(id, operation, ops::DeviceOutcome::kFailed,
                       boost::json::serialize(boost::json::object{
                           {"reason", "invalid_path"}, {"message", path.error().message}}));
    return;
  }
  switch (call->kind) {
    case Kind::kRead: {
      std::optional<lwm2m::format::ContentFormat> format;
      if (!call->format.empty()) {
        auto parsed = lwm2m::server::ParseFormatName(call->format);
        if (!parsed) {
          listener_.OnResult(id, operation, ops::DeviceOutcome::kFailed,
                             boost::json::serialize(boost::json::object{
                                 {"reason", "bad_format"}, {"message", parsed.error().message}}));
          return;
        }
        format = *parsed;
      }
      devices_.Read(id, *path, format, std::move(reply));
      return;
    }
    case Kind::kExecute:
      devices_.Execute(id, *path, call->arguments, std::move(reply));
      return;
    case Kind::kWrite:
    case Kind::kWritePartial:
      devices_.Write(id, *path, call->body, call->kind == Kind::kWritePartial, std::move(reply));
      return;
    default:
      return;
  }
}

}  // namespace custos::app
