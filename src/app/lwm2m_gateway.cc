#include "app/lwm2m_gateway.h"

namespace custos::app {

// Call copies the kind across by number.
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kRead) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kRead));
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kObserve) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kObserve));
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kCancelObservation) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kCancelObservation));

tl::expected<boost::json::value, api::Lwm2mFailure> Lwm2mGateway::Call(const api::Lwm2mCall& call) {
  lwm2m::server::DeviceManager* manager = manager_.load();
  if (manager == nullptr) {
    return tl::unexpected(
        api::Lwm2mFailure{503, "lwm2m_unavailable", "the LwM2M server is not running", ""});
  }
  lwm2m::server::ManagementCall m;
  // The two enums list the same operations in the same order.
  m.kind = static_cast<lwm2m::server::ManagementCall::Kind>(call.kind);
  m.device = call.device;
  m.path = call.path;
  m.paths = call.paths;
  m.body = call.body;
  m.format = call.format;
  m.arguments = call.arguments;
  m.observation = call.observation;
  m.active = call.active;
  auto answer = manager->Call(m);
  if (!answer) {
    const auto& e = answer.error();
    return tl::unexpected(
        api::Lwm2mFailure{lwm2m::server::HttpStatus(e), e.reason, e.message, e.coap_code});
  }
  return std::move(*answer);
}

}  // namespace custos::app
