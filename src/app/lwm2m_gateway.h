// The REST API's way to the LwM2M device manager (api::Lwm2mPort over
// lwm2m::server::DeviceManager). Made before the HTTP server starts and attached once the
// CoAP listeners run; until then, and after Detach, every call answers 503 and no device is
// asleep.
//
// Queue mode: a request for a device that sleeps becomes an operation of the engine
// (app/lwm2m_operation.h), which the LwM2M deliverer sends at the device's next Register or
// Update; at most `max_per_device` unfinished operations per device.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "api/lwm2m_port.h"
#include "core/core.h"
#include "lwm2m/server/server.h"
#include "ops/ops.h"

namespace custos::app {

struct Lwm2mQueueOptions {
  std::chrono::milliseconds awake{93'000};      // lwm2m.queue_awake_s
  int max_per_device = 64;                      // lwm2m.queue_max_per_device
  std::int64_t deadline_ms = 86'400'000;        // lwm2m.queue_deadline_s
};

class Lwm2mGateway final : public api::Lwm2mPort {
 public:
  // `operations` (null: nothing is queued, 503) and `clock` outlive the gateway.
  Lwm2mGateway(ops::Engine* operations, core::Clock& clock, Lwm2mQueueOptions options)
      : operations_(operations), clock_(clock), options_(options) {}

  // Both outlive the attachment (until Detach).
  void Attach(lwm2m::server::DeviceManager* manager,
              const lwm2m::server::RegistrationTable* registrations) {
    registrations_.store(registrations);
    manager_.store(manager);
  }
  void Detach() {
    manager_.store(nullptr);
    registrations_.store(nullptr);
  }

  tl::expected<boost::json::value, api::Lwm2mFailure> Call(const api::Lwm2mCall& call) override;
  bool Asleep(core::DeviceId device) override;
  tl::expected<core::Operation, api::Lwm2mFailure> Enqueue(
      const api::Lwm2mCall& call, const core::Actor& actor,
      std::optional<std::int64_t> timeout_ms) override;

 private:
  // How many operations of the device are not final, counting up to `limit`.
  core::Result<int> UnfinishedOperations(core::DeviceId device, int limit);

  ops::Engine* operations_;
  core::Clock& clock_;
  Lwm2mQueueOptions options_;
  std::atomic<lwm2m::server::DeviceManager*> manager_{nullptr};
  std::atomic<const lwm2m::server::RegistrationTable*> registrations_{nullptr};
  // Counting a device's operations and adding one is done under it, so that concurrent
  // requests cannot both take the last place.
  std::mutex enqueue_mu_;
};

}  // namespace custos::app
