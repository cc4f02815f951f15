// The REST API's way to the LwM2M device manager (api::Lwm2mPort over
// lwm2m::server::DeviceManager). Made before the HTTP server starts and attached once the
// CoAP listeners run; until then, and after Detach, every call answers 503.
#pragma once

#include <atomic>

#include "api/lwm2m_port.h"
#include "lwm2m/server/server.h"

namespace custos::app {

class Lwm2mGateway final : public api::Lwm2mPort {
 public:
  void Attach(lwm2m::server::DeviceManager* manager) { manager_.store(manager); }
  void Detach() { manager_.store(nullptr); }

  tl::expected<boost::json::value, api::Lwm2mFailure> Call(const api::Lwm2mCall& call) override;

 private:
  std::atomic<lwm2m::server::DeviceManager*> manager_{nullptr};
};

}  // namespace custos::app
