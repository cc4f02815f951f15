#include "app/lwm2m_gateway.h"

#include <fmt/format.h>

#include "app/lwm2m_operation.h"

namespace custos::app {
namespace {

// Call copies the kind across by number.
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kRead) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kRead));
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kObserve) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kObserve));
static_assert(static_cast<int>(api::Lwm2mCall::Kind::kCancelObservation) ==
              static_cast<int>(lwm2m::server::ManagementCall::Kind::kCancelObservation));

lwm2m::server::ManagementCall ManagementCallFrom(const api::Lwm2mCall& call) {
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
  return m;
}

// The engine's refusal as the REST API answers it (docs/api.md, "Errors").
api::Lwm2mFailure FailureOf(const core::Error& e) {
  int status = 500;
  switch (e.code) {
    case core::ErrorCode::kInvalidArgument:
      status = 400;
      break;
    case core::ErrorCode::kNotFound:
      status = 404;
      break;
    case core::ErrorCode::kConflict:
    case core::ErrorCode::kAlreadyExists:
      status = 409;
      break;
    case core::ErrorCode::kFailedPrecondition:
      status = 422;
      break;
    case core::ErrorCode::kUnavailable:
      status = 503;
      break;
    default:
      break;
  }
  return api::Lwm2mFailure{status, core::ToString(e.code), e.message, ""};
}

constexpr core::OperationState kUnfinished[] = {
    core::OperationState::kPending, core::OperationState::kScheduled,
    core::OperationState::kWaiting, core::OperationState::kSent,
    core::OperationState::kInProgress};

}  // namespace

tl::expected<boost::json::value, api::Lwm2mFailure> Lwm2mGateway::Call(const api::Lwm2mCall& call) {
  lwm2m::server::DeviceManager* manager = manager_.load();
  if (manager == nullptr) {
    return tl::unexpected(
        api::Lwm2mFailure{503, "lwm2m_unavailable", "the LwM2M server is not running", ""});
  }
  auto answer = manager->Call(ManagementCallFrom(call));
  if (!answer) {
    const auto& e = answer.error();
    return tl::unexpected(
        api::Lwm2mFailure{lwm2m::server::HttpStatus(e), e.reason, e.message, e.coap_code});
  }
  return std::move(*answer);
}

bool Lwm2mGateway::Asleep(core::DeviceId device) {
  const lwm2m::server::RegistrationTable* registrations = registrations_.load();
  if (registrations == nullptr) return false;
  return PresenceOf(*registrations, device, clock_.Now(), options_.awake) == Presence::kAsleep;
}

core::Result<int> Lwm2mGateway::UnfinishedOperations(core::DeviceId device, int limit) {
  int count = 0;
  for (core::OperationState state : kUnfinished) {
    core::OperationQuery query;
    query.device_id = device;
    query.state = state;
    query.limit = static_cast<std::size_t>(limit);
    auto page = operations_->List(query);
    if (!page) return tl::unexpected(page.error());
    count += static_cast<int>(page->operations.size());
    if (count >= limit) return count;
  }
  return count;
}

tl::expected<core::Operation, api::Lwm2mFailure> Lwm2mGateway::Enqueue(
    const api::Lwm2mCall& call, const core::Actor& actor,
    std::optional<std::int64_t> timeout_ms) {
  if (operations_ == nullptr) {
    return tl::unexpected(api::Lwm2mFailure{503, "operations_unavailable",
                                            "remote operations are not running", ""});
  }
  auto shape = OperationOf(ManagementCallFrom(call));
  if (!shape) {
    return tl::unexpected(api::Lwm2mFailure{409, "not_queueable", shape.error().message, ""});
  }
  ops::OperationRequest request;
  request.device_id = call.device;
  request.kind = shape->kind;
  request.parameters_json = std::move(shape->parameters_json);
  request.timeout_ms = timeout_ms.value_or(options_.deadline_ms);
  std::lock_guard lock(enqueue_mu_);
  auto unfinished = UnfinishedOperations(call.device, options_.max_per_device);
  if (!unfinished) return tl::unexpected(FailureOf(unfinished.error()));
  if (*unfinished >= options_.max_per_device) {
    return tl::unexpected(api::Lwm2mFailure{
        429, "queue_full",
        fmt::format("the device sleeps and already has {} unfinished operations "
                    "(lwm2m.queue_max_per_device); wait for it to wake or cancel some",
                    options_.max_per_device),
        ""});
  }
  auto created = operations_->Create(actor, std::move(request));
  if (!created) return tl::unexpected(FailureOf(created.error()));
  return std::move(*created);
}

}  // namespace custos::app
