#include "app/lwm2m_operation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <string_view>
#include <utility>

namespace custos::app {
namespace {

namespace js = boost::json;
using Kind = lwm2m::server::ManagementCall::Kind;

// The custom operations' names, as "operation" says them.
constexpr std::array<std::pair<Kind, std::string_view>, 6> kCustomNames{{
    {Kind::kDiscover, "discover"},
    {Kind::kWriteAttributes, "write_attributes"},
    {Kind::kCreate, "create"},
    {Kind::kDelete, "delete"},
    {Kind::kReadComposite, "read_composite"},
    {Kind::kWriteComposite, "write_composite"},
}};

core::Result<std::string> StringMember(const js::object& o, const char* name, bool required) {
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

core::Result<js::value> ValueMember(const js::object& o, const char* name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("parameters: \"{}\" is required", name));
  }
  return *v;
}

core::Result<std::vector<std::string>> PathsMember(const js::object& o) {
  const auto* v = o.if_contains("paths");
  if (v == nullptr || !v->is_array()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "parameters: \"paths\" must be an array of LwM2M paths");
  }
  std::vector<std::string> out;
  for (const auto& p : v->as_array()) {
    if (!p.is_string()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "parameters: \"paths\" must be an array of strings");
    }
    out.emplace_back(p.as_string());
  }
  return out;
}

// The custom operation's call from its "lwm2m" object.
core::Result<lwm2m::server::ManagementCall> CustomCallOf(const js::object& p,
                                                         lwm2m::server::ManagementCall call) {
  const auto* inner = p.if_contains("lwm2m");
  if (inner == nullptr || !inner->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "parameters: \"lwm2m\" must be an object naming the call");
  }
  const auto& o = inner->as_object();
  auto name = StringMember(o, "operation", true);
  if (!name) return tl::unexpected(name.error());
  const auto* found = std::find_if(kCustomNames.begin(), kCustomNames.end(),
                                   [&](const auto& entry) { return entry.second == *name; });
  if (found == kCustomNames.end()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("parameters: \"{}\" is not an LwM2M operation (discover, "
                                       "write_attributes, create, delete, read_composite, "
                                       "write_composite)",
                                       *name));
  }
  call.kind = found->first;
  if (call.kind == Kind::kReadComposite) {
    auto paths = PathsMember(o);
    if (!paths) return tl::unexpected(paths.error());
    call.paths = std::move(*paths);
    return call;
  }
  if (call.kind != Kind::kWriteComposite) {
    auto path = StringMember(o, "path", true);
    if (!path) return tl::unexpected(path.error());
    call.path = *path;
  }
  if (call.kind == Kind::kCreate || call.kind == Kind::kWriteComposite ||
      call.kind == Kind::kWriteAttributes) {
    auto body = ValueMember(o, call.kind == Kind::kWriteAttributes ? "attributes" : "value");
    if (!body) return tl::unexpected(body.error());
    call.body = std::move(*body);
  }
  return call;
}

}  // namespace

core::Result<OperationShape> OperationOf(const lwm2m::server::ManagementCall& call) {
  js::object p;
  OperationShape shape;
  switch (call.kind) {
    case Kind::kRead:
      shape.kind = core::OperationKind::kRead;
      p["path"] = call.path;
      if (!call.format.empty()) p["format"] = call.format;
      break;
    case Kind::kWrite:
    case Kind::kWritePartial:
      shape.kind = core::OperationKind::kWrite;
      p["path"] = call.path;
      p[call.kind == Kind::kWrite ? "value" : "values"] = call.body;
      break;
    case Kind::kExecute:
      shape.kind = core::OperationKind::kExecute;
      p["path"] = call.path;
      if (!call.arguments.empty()) p["arguments"] = call.arguments;
      break;
    case Kind::kObserve:
    case Kind::kObservations:
    case Kind::kCancelObservation:
      return core::MakeError(core::ErrorCode::kFailedPrecondition,
                             "observe and active cancel-observation are not queued for a sleeping "
                             "device: ask once it is awake (after its next Register or Update), "
                             "or cancel passively (?passive=true)");
    default: {
      const auto* found = std::find_if(kCustomNames.begin(), kCustomNames.end(),
                                       [&](const auto& entry) { return entry.first == call.kind; });
      js::object inner{{"operation", found->second}};
      if (call.kind == Kind::kReadComposite) {
        js::array paths;
        for (const auto& path : call.paths) paths.emplace_back(path);
        inner["paths"] = std::move(paths);
      } else if (call.kind != Kind::kWriteComposite) {
        inner["path"] = call.path;
      }
      if (call.kind == Kind::kCreate || call.kind == Kind::kWriteComposite) {
        inner["value"] = call.body;
      } else if (call.kind == Kind::kWriteAttributes) {
        inner["attributes"] = call.body;
      }
      shape.kind = core::OperationKind::kCustom;
      p["lwm2m"] = std::move(inner);
      break;
    }
  }
  shape.parameters_json = js::serialize(p);
  return shape;
}

core::Result<lwm2m::server::ManagementCall> ManagementCallOf(const core::Operation& op) {
  lwm2m::server::ManagementCall call;
  call.device = op.device_id;
  if (op.kind == core::OperationKind::kReboot || op.kind == core::OperationKind::kFactoryReset) {
    call.kind = Kind::kExecute;
    call.path = op.kind == core::OperationKind::kReboot ? "/3/0/4" : "/3/0/5";
    return call;
  }
  boost::system::error_code ec;
  auto parsed = js::parse(op.parameters_json, ec);
  if (ec || !parsed.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "parameters: not a JSON object");
  }
  const auto& p = parsed.as_object();
  if (op.kind == core::OperationKind::kCustom) return CustomCallOf(p, std::move(call));
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

Presence PresenceOf(const lwm2m::server::RegistrationTable& registrations, core::DeviceId device,
                    core::TimeMs now, std::chrono::milliseconds awake) {
  auto registration = registrations.FindByDevice(device);
  if (!registration) return Presence::kUnregistered;
  if (!registration->queue_mode) return Presence::kListening;
  return now - registration->updated_at < awake.count() ? Presence::kListening
                                                         : Presence::kAsleep;
}

}  // namespace custos::app
