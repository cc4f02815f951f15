// The firmware_update operation for LwM2M devices (Object 5, TS Core Appendix E.6), as flows
// that Lwm2mDelivery hands over (docs/remote-operations.md, "LwM2M firmware update"):
//
//   1. Observe /5/0 (State /5/0/3 and Update Result /5/0/5 come with every notification);
//      its answer is the device's State, from which FirstStep (app/lwm2m_firmware_steps.h)
//      decides. Then write the package: the Package URI /5/0/1, the image's CoAP URL
//      (coap[s]://BASE/fw/{id}, BASE the listener the device registered on or
//      lwm2m.package_base_url), or with "method": "push" the bytes to Package /5/0/0 as
//      application/octet-stream with Block1. Progress {"stage": "downloading"}.
//   2. State 2 (Downloaded): Execute Update /5/0/2. Progress {"stage": "updating"}.
//   3. The device registers again (or updates its registration): Read Firmware Version
//      /3/0/3; the image's version succeeds. An Update Result from 2 to 9 at any time fails
//      the operation with its meaning.
//
// Everything is asynchronous: each step is a DeviceManager request whose reply (on a CoAP
// I/O thread) starts the next one, so a campaign's devices proceed side by side and no CoAP
// thread waits. One small thread of its own only pumps lwm2m.notification events, since the
// event bus calls a subscription's notifier under its own lock, where no request may start.
// A flow is a few words per device.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "app/lwm2m_firmware_steps.h"
#include "coap/transport/endpoint.h"
#include "core/core.h"
#include "firmware/firmware.h"
#include "lwm2m/server/server.h"
#include "ops/ops.h"

namespace custos::app {

struct FirmwareUpdateOptions {
  // The base of the Package URI for devices registered over plain CoAP and over DTLS
  // ("coap://host:port", "coaps://host:port"); "" when there is none (pull then fails).
  std::string coap_base;
  std::string coaps_base;
  // The CoAP endpoint a registration made on the plain (false) or DTLS listener is reached
  // through, for push; unset or null: push fails.
  std::function<coap::Endpoint*(bool secure)> endpoints;
};

class Lwm2mFirmwareUpdates {
 public:
  // Every reference outlives this object; Stop() must run before the device manager's
  // endpoints stop for good (replies after Stop are ignored).
  Lwm2mFirmwareUpdates(lwm2m::server::DeviceManager& devices,
                       const lwm2m::server::RegistrationTable& registrations,
                       firmware::Library& library, core::EventBus& events,
                       ops::DeliveryListener& listener, FirmwareUpdateOptions options);
  ~Lwm2mFirmwareUpdates();  // Stop()
  Lwm2mFirmwareUpdates(const Lwm2mFirmwareUpdates&) = delete;
  Lwm2mFirmwareUpdates& operator=(const Lwm2mFirmwareUpdates&) = delete;

  // Starts (or, for a redelivery, resumes) the flow of a firmware_update operation for
  // `device`, replacing any earlier flow of the device. Bad parameters or an unknown image
  // fail it at once; an unregistered or silent device is undelivered. Never blocks on a
  // device (the image's description is read from the library once per image).
  void Begin(const core::Operation& op, const core::Device& device);
  // After a restart, before the engine starts: the updates the server was driving when it
  // went down (in_progress firmware_update operations of LwM2M devices whose result shows a
  // flow's stage) resume as redeliveries at each device's next contact, since the engine
  // sends again only what was `sent`. Returns how many; a store failure is returned.
  core::Result<std::size_t> ResumeUnfinished(core::Store& store);
  // Forgets the operation's flow (cancelled); the device is not told.
  void Forget(core::DeviceId device, std::int64_t operation_id);
  // The device registered or updated its registration: an update to resume begins, an
  // updating flow reads /3/0/3, a downloading one observes Object 5 again if the
  // registration dropped the observation.
  void OnContact(core::DeviceId device);
  // Ends the notification thread; later calls and replies do nothing. Idempotent.
  void Stop();

  // Flows running now (tests, metrics).
  std::size_t size() const;

 private:
  struct Flow {
    std::int64_t operation_id = 0;
    std::uint64_t serial = 0;  // tells a reply of this flow from one of an earlier flow
    core::FirmwareId image = 0;
    FirmwareMethod method = FirmwareMethod::kPull;
    FirmwareStage stage = FirmwareStage::kStarting;
    std::string observation;  // the id of the /5/0 observation, once answered
    // When the flow last heard from the device or moved on (ReadStalled's clock).
    std::chrono::steady_clock::time_point heard = std::chrono::steady_clock::now();
  };

  // The flow of `device` when it is still the one numbered `serial`.
  std::optional<Flow> Current(core::DeviceId device, std::uint64_t serial) const;
  // Moves the flow to `stage` when it is still `serial`; false when it is gone.
  bool SetStage(core::DeviceId device, std::uint64_t serial, FirmwareStage stage);
  std::optional<core::FirmwareImage> ImageOf(core::FirmwareId id);

  void Observe(core::DeviceId device, std::uint64_t serial, bool first, bool runs_version,
               bool redelivery);
  // Decides from the first look at Object 5 (FirstStep). A redelivery finding the device
  // idle reads /3/0/3 first (`version_read` then), since the registry may not know yet that
  // the device already runs the image.
  void OnFirstLook(core::DeviceId device, const Flow& flow, bool runs_version, bool redelivery,
                   const Object5Values& values, bool version_read = false);
  void SendPackage(core::DeviceId device, const Flow& flow);
  void Push(core::DeviceId device, const Flow& flow);
  // Applies State and Update Result seen in a notification or read.
  void OnValues(core::DeviceId device, std::uint64_t serial, const Object5Values& values);
  // Execute /5/0/2, once per flow.
  void Execute(core::DeviceId device, std::uint64_t serial);
  // A 4.05 to Execute: reads Object 5; State Updating (the first Execute went through) waits
  // for the reboot, Idle with Update Result 1 confirms, anything else fails with `refusal`.
  void OnExecuteRefused(core::DeviceId device, std::uint64_t serial,
                        const lwm2m::server::DmError& refusal);
  void Confirm(core::DeviceId device, const Flow& flow);

  // Ends the flow (when it is still `serial`) and reports the outcome.
  void Finish(core::DeviceId device, std::uint64_t serial, ops::DeviceOutcome outcome,
              std::string result_json);
  void FailWithResult(core::DeviceId device, std::uint64_t serial, std::int64_t update_result);
  void FailRequest(core::DeviceId device, std::uint64_t serial, const lwm2m::server::DmError& error,
                   const char* step);

  void Run();
  void OnNotification(const core::Event& event);
  // Reads Object 5 of every flow past kStarting, after notifications were dropped.
  void Resync();
  // Reads Object 5 of every flow downloading or updating that has heard nothing for `quiet`:
  // notifications are non-confirmable and a busy network or server loses some, so a device
  // that finished its download must not wait for a State 2 that never arrives; nor an
  // updated device whose confirmation read failed until its next registration update.
  void ReadStalled(std::chrono::steady_clock::duration quiet);
  // Reads Object 5 of each (device, flow serial) and applies what it finds.
  void ReadObject5(const std::vector<std::pair<core::DeviceId, std::uint64_t>>& flows);

  lwm2m::server::DeviceManager& devices_;
  const lwm2m::server::RegistrationTable& registrations_;
  firmware::Library& library_;
  ops::DeliveryListener& listener_;
  FirmwareUpdateOptions options_;

  mutable std::mutex mu_;  // never held while calling the device manager or the listener
  bool stopped_ = false;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<core::DeviceId, Flow> flows_;
  std::map<core::FirmwareId, core::FirmwareImage> images_;
  // ResumeUnfinished's operations, until their device's next contact.
  std::unordered_map<core::DeviceId, core::Operation> resume_;

  std::mutex pump_mu_;
  std::condition_variable pump_cv_;
  bool pump_woken_ = false;
  bool pump_stopping_ = false;
  std::shared_ptr<core::EventSubscription> notifications_;
  std::thread pump_;  // last: starts once the rest is built
};

}  // namespace custos::app
