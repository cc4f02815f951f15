// The seam between the operations engine and the protocol adapters: a Deliverer per protocol
// carries operations to devices, and a DeliveryListener (the engine) hears what became of
// them. Include ops/ops.h, not this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"

namespace custos::ops {

// How a device (or its adapter, for work done at once) says an operation ended.
enum class DeviceOutcome { kSucceeded, kFailed, kRejected };

// "succeeded", "failed", "rejected"; and back (nullopt for anything else).
const char* ToString(DeviceOutcome outcome);
std::optional<DeviceOutcome> ParseDeviceOutcome(std::string_view text);

// What adapters tell the engine. Every call names the device the news came from, so that a
// device can never move another device's operation: news about an operation of another
// device, an unknown operation or a final one is ignored (a late result of a cancelled
// operation is recorded in its result but does not change its state). All calls are safe
// from any thread, return quickly, never throw, and may be made from inside
// Deliverer::Deliver.
class DeliveryListener {
 public:
  virtual ~DeliveryListener() = default;

  // The device, or a session that will hand it over (an MQTT persistent session, an LwM2M
  // queue-mode buffer), has taken the operation: it is not sent again, except once after a
  // server restart, on the device's next contact.
  virtual void OnDelivered(core::DeviceId device, std::int64_t operation_id) = 0;
  // It could not be handed over now (no session, no subscription yet, a transport error).
  // The engine sends it again after a back-off or at the device's next contact, whichever
  // comes first, until max attempts (then failed) or the deadline (then timed_out).
  virtual void OnUndelivered(core::DeviceId device, std::int64_t operation_id,
                             const core::Error& why) = 0;
  // The device is working on it: the operation becomes in_progress; `details_json` (a JSON
  // object: progress, message, ...) becomes its result so far.
  virtual void OnProgress(core::DeviceId device, std::int64_t operation_id,
                          std::string details_json) = 0;
  // It ended: succeeded, failed or rejected by the device, with the device's details (a JSON
  // object) as its result.
  virtual void OnResult(core::DeviceId device, std::int64_t operation_id, DeviceOutcome outcome,
                        std::string result_json) = 0;
  // The device came into contact (connected, registered, updated its registration, woke
  // up): what waits for it ("offline") and what it has not taken yet goes out now.
  virtual void OnContact(core::DeviceId device) = 0;
  // The reports above may be stored after they return (in batches, off the caller's thread):
  // this returns once every report made before the call is stored. A deliverer that
  // acknowledges a report to its device (an MQTT PUBACK) calls it first.
  virtual void SyncReports() {}
};

// One per protocol ("mqtt", "lwm2m", ...), registered with the engine at start. The engine
// decides when; the deliverer only carries. A deliverer reports to the DeliveryListener it
// was made with (the engine).
class Deliverer {
 public:
  virtual ~Deliverer() = default;

  // The protocol it serves: a device whose Device::protocol equals it is its device.
  virtual std::string_view Protocol() const = 0;
  // Whether this protocol can carry `kind`; the engine refuses other kinds at creation
  // (kFailedPrecondition). enable and disable are done by the engine and never asked.
  virtual bool Supports(core::OperationKind kind) const = 0;
  // Whether the device can take an operation now (online, awake). When not, the engine
  // holds the operation as waiting "offline" until OnContact.
  virtual bool Reachable(const core::Device& device) const = 0;
  // Starts delivering `op` (state sent, `op.attempts` counting this one) to `device`; the
  // outcome comes back through the listener. Must not block. Delivering the same operation
  // again (a retry, or after a restart) carries the same id, so the device recognises it.
  virtual void Deliver(const core::Operation& op, const core::Device& device) = 0;
  // The operation was cancelled after it was sent: stop what can still be stopped (best
  // effort; the device may still report a result, which is recorded but changes nothing).
  virtual void Cancel(const core::Operation& op, const core::Device& device) {}
};

// The id a device sees for an operation, where its protocol carries one: "op-81" for 81.
std::string DeviceOperationId(std::int64_t operation_id);
// The operation id back from a device-facing id; nullopt for anything else.
std::optional<std::int64_t> ParseDeviceOperationId(std::string_view device_id);

}  // namespace custos::ops
