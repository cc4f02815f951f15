// How an LwM2M device management call travels as an operation of the engine, and back: the
// kinds and parameters of docs/remote-operations.md ("Kinds by protocol"). The REST API
// queues a request for a sleeping device with OperationOf; the engine's LwM2M deliverer
// turns the operation back into the call with ManagementCallOf.
//
// read, write and execute are operations of their own kinds; the calls that have no kind
// (discover, write-attributes, create, delete, read-composite, write-composite) are kind
// custom with the call under "lwm2m": {"lwm2m": {"operation": "discover", "path": "/3/0"}}.
#pragma once

#include <chrono>
#include <string>

#include "core/core.h"
#include "lwm2m/server/server.h"

namespace custos::app {

// An operation's kind and parameters (a JSON object's text).
struct OperationShape {
  core::OperationKind kind = core::OperationKind::kRead;
  std::string parameters_json = "{}";
};

// The operation that carries `call`; kFailedPrecondition for the calls that cannot wait for
// a device to wake (observe, cancel-observation, the list of observations): their answer
// is about the device's state now.
core::Result<OperationShape> OperationOf(const lwm2m::server::ManagementCall& call);

// What an operation's kind and parameters ask of the device manager, or kInvalidArgument.
// reboot: Execute /3/0/4; factory_reset: Execute /3/0/5; read {"path", "format"}; write
// {"path", "value"} (replace) or {"path", "values"} (partial update); execute {"path",
// "arguments"}; configure like write; custom {"lwm2m": {"operation", ...}} as OperationOf
// writes it. The text inside (paths, format, attributes) is checked by the device manager.
core::Result<lwm2m::server::ManagementCall> ManagementCallOf(const core::Operation& op);

// Where a device stands for a request sent now: not registered; registered and listening
// (not in queue mode, or within `awake` of its last Register or Update: the server's
// lwm2m.queue_awake_s); or registered in queue mode and asleep.
enum class Presence { kUnregistered, kListening, kAsleep };
Presence PresenceOf(const lwm2m::server::RegistrationTable& registrations, core::DeviceId device,
                    core::TimeMs now, std::chrono::milliseconds awake);

}  // namespace custos::app
