// The operations engine's deliverer for LwM2M devices: each kind becomes a device management
// request through the DeviceManager (docs/remote-operations.md, "Kinds by protocol").
//
// It lives in app, beside the gateway the REST API uses, rather than in lwm2m/server: it
// joins two adapters' worlds (the ops engine and the LwM2M device manager with its
// registration table), and keeping it here leaves lwm2m/server free of any ops dependency.
#pragma once

#include <chrono>
#include <string_view>

#include "app/lwm2m_firmware_update.h"
#include "app/lwm2m_operation.h"
#include "core/core.h"
#include "lwm2m/server/server.h"
#include "ops/ops.h"

namespace custos::app {

class Lwm2mDelivery final : public ops::Deliverer {
 public:
  // `awake`: how long a queue-mode device listens after its last Register or Update.
  // `firmware` runs firmware_update operations (null: that kind is not carried).
  Lwm2mDelivery(lwm2m::server::DeviceManager& devices,
                const lwm2m::server::RegistrationTable& registrations,
                ops::DeliveryListener& listener, core::Clock& clock,
                std::chrono::milliseconds awake, Lwm2mFirmwareUpdates* firmware = nullptr)
      : devices_(devices),
        registrations_(registrations),
        listener_(listener),
        clock_(clock),
        awake_(awake),
        firmware_(firmware) {}

  std::string_view Protocol() const override { return "lwm2m"; }
  // reboot, factory_reset, read, write, execute, configure and custom (app/lwm2m_operation.h);
  // firmware_update with a Lwm2mFirmwareUpdates.
  bool Supports(core::OperationKind kind) const override;
  // Registered, and either not in queue mode or within `awake` of its last Register/Update.
  bool Reachable(const core::Device& device) const override;
  // A 2.xx answer: succeeded with the typed result; a CoAP error: failed with its code; no
  // answer in time, no registration or 5.03 Service Unavailable: undelivered (the engine
  // tries again); parameters
  // that make no request (ManagementCallOf, or the device manager's checks): failed at once.
  // firmware_update is handed to the Lwm2mFirmwareUpdates flow.
  void Deliver(const core::Operation& op, const core::Device& device) override;
  // Forgets a firmware update's flow; the other kinds are single requests, nothing to stop.
  void Cancel(const core::Operation& op, const core::Device& device) override;

 private:
  lwm2m::server::DeviceManager& devices_;
  const lwm2m::server::RegistrationTable& registrations_;
  ops::DeliveryListener& listener_;
  core::Clock& clock_;
  std::chrono::milliseconds awake_;
  Lwm2mFirmwareUpdates* firmware_;
};

}  // namespace custos::app
