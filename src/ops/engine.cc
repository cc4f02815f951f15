// The engine's lifecycle (start, the driver, stop) and the operators' requests.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "ops/engine_impl.h"

namespace custos::ops {

using core::ErrorCode;
using core::Operation;
using core::OperationState;

Engine::Engine(EngineServices services, EngineOptions options)
    : impl_(std::make_unique<Impl>(services, options)) {}

Engine::~Engine() { Stop(); }

void Engine::AddDeliverer(Deliverer& deliverer) {
  std::lock_guard lock(impl_->mu_);
  impl_->deliverers_[std::string(deliverer.Protocol())] = &deliverer;
}

core::Result<void> Engine::Start() {
  Impl::Actions actions;
  {
    std::lock_guard lock(impl_->mu_);
    if (impl_->started_) return {};
    auto unfinished = impl_->services_.store.ListUnfinishedOperations();
    if (!unfinished) {
      return core::MakeError(ErrorCode::kUnavailable,
                             "cannot load operations: " + unfinished.error().message);
    }
    core::EventFilter filter;
    filter.types = {"device.updated", "device.online", "device.enabled", "device.retired"};
    impl_->device_events_ = impl_->services_.events.Subscribe(filter);
    impl_->device_events_->SetNotifier([impl = impl_.get()] { impl->Wake(); });
    for (const Operation& op : *unfinished) {
      impl_->TrackLocked(op);
      // Delivered before the restart, perhaps only into a session that is gone now.
      if (op.state == OperationState::kSent) impl_->resend_on_contact_.insert(op.id);
    }
    spdlog::info("operations: {} not final at start", unfinished->size());
    impl_->started_ = true;
    impl_->BeginBatchLocked();
    const std::set<std::int64_t> resend = impl_->resend_on_contact_;
    for (std::int64_t id : resend) {
      auto it = impl_->active_.find(id);
      if (it != impl_->active_.end()) impl_->ResendLocked(it->second, actions);
    }
    std::vector<core::DeviceId> devices;
    for (const auto& [device, ids] : impl_->by_device_) devices.push_back(device);
    for (core::DeviceId device : devices) impl_->StepDeviceLocked(device, actions);
    impl_->PollLocked(actions);
    impl_->CommitBatchLocked(actions);
  }
  Impl::RunActions(actions);
  if (impl_->options_.driver_thread) {
    impl_->driver_ = std::thread([impl = impl_.get()] { impl->DriverLoop(); });
    impl_->queue_reports_ = true;
  }
  return {};
}

void Engine::Stop() {
  if (impl_->stopping_.exchange(true)) return;
  impl_->Wake();
  if (impl_->driver_.joinable()) impl_->driver_.join();
  {
    // Reports queued before the stop are stored; what they would send is left to the next
    // start (a sent operation goes out again at its device's next contact).
    std::lock_guard lock(impl_->mu_);
    Impl::Actions dropped;
    impl_->BeginBatchLocked();
    impl_->TakeReportsLocked(dropped);
    impl_->CommitBatchLocked(dropped);
    impl_->device_events_.reset();
  }
  {
    std::lock_guard lock(impl_->inbox_mu_);
    impl_->reports_stored_ = impl_->reports_taking_;
    impl_->reports_closed_ = true;
  }
  impl_->reports_cv_.notify_all();
}

void Engine::Impl::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    wake_ = true;
  }
  wake_cv_.notify_one();
}

void Engine::Impl::DriverLoop() {
  while (!stopping_) {
    {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, std::chrono::milliseconds(options_.driver_tick_ms),
                        [this] { return wake_ || stopping_.load(); });
      wake_ = false;
    }
    if (stopping_) break;
    Actions actions;
    {
      std::lock_guard lock(mu_);
      RoundLocked(actions);
    }
    ReportsStored();
    RunActions(actions);
  }
}

void Engine::Poll() {
  if (impl_->stopping_) return;
  Impl::Actions actions;
  {
    std::lock_guard lock(impl_->mu_);
    impl_->RoundLocked(actions);
  }
  impl_->ReportsStored();
  Impl::RunActions(actions);
}

core::Result<Operation> Engine::Create(const core::Actor& actor, OperationRequest request) {
  if (impl_->stopping_) return core::MakeError(ErrorCode::kUnavailable, "shutting down");
  const core::TimeMs now = impl_->services_.clock.Now();
  auto checked = impl_->CheckRequest(actor, request, now);
  if (!checked) return tl::unexpected(checked.error());
  boost::json::value parameters = std::move(*checked);
  auto device = impl_->services_.registry.GetDevice(request.device_id);
  if (!device) return tl::unexpected(device.error());
  if (device->state == core::LifecycleState::kRetired) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           fmt::format("device {} is retired", device->name));
  }
  const bool server_side =
      request.kind == core::OperationKind::kEnable || request.kind == core::OperationKind::kDisable;
  if (!server_side) {
    std::lock_guard lock(impl_->mu_);
    Deliverer* deliverer = impl_->DelivererFor(*device);
    if (deliverer == nullptr || !deliverer->Supports(request.kind)) {
      return core::MakeError(
          ErrorCode::kFailedPrecondition,
          fmt::format("device {} (protocol \"{}\") cannot take a {} operation", device->name,
                      device->protocol, core::ToString(request.kind)));
    }
  }

  Operation op = impl_->NewOperation(actor, request, boost::json::serialize(parameters), now);

  core::AuditEntry audit;
  audit.actor = actor.name;
  audit.actor_token_id = actor.token_id;
  audit.action = "operation.create";
  audit.target_type = "operation";
  boost::json::object details;
  details["device_id"] = op.device_id;
  details["kind"] = core::ToString(op.kind);
  details["parameters"] = std::move(parameters);
  audit.details_json = boost::json::serialize(details);

  Impl::Actions actions;
  std::int64_t id = 0;
  {
    std::lock_guard lock(impl_->mu_);
    auto created = impl_->services_.store.CreateOperation(std::move(op), std::move(audit));
    if (!created) return tl::unexpected(created.error());
    id = created->id;
    impl_->TrackLocked(*created);
    impl_->PublishLocked("operation.created", *created);
    if (impl_->started_) impl_->StepLocked(id, actions, request.on_conflict);
  }
  Impl::RunActions(actions);
  return Get(id);
}

core::Result<boost::json::value> Engine::Impl::CheckRequest(const core::Actor& actor,
                                                            const OperationRequest& request,
                                                            core::TimeMs now) {
  boost::system::error_code ec;
  boost::json::value parameters = boost::json::parse(request.parameters_json, ec);
  if (ec || !parameters.is_object()) {
    return core::MakeError(ErrorCode::kInvalidArgument, "parameters: must be a JSON object");
  }
  if (request.battery_threshold &&
      (*request.battery_threshold < 0 || *request.battery_threshold > 100)) {
    return core::MakeError(ErrorCode::kInvalidArgument, "battery_threshold: must be from 0 to 100");
  }
  if (request.timeout_ms && *request.timeout_ms <= 0) {
    return core::MakeError(ErrorCode::kInvalidArgument, "timeout: must be positive");
  }
  if (request.deadline && *request.deadline <= now) {
    return core::MakeError(ErrorCode::kInvalidArgument, "deadline: must be in the future");
  }
  if (request.ignore_maintenance_windows && actor.role != core::Role::kAdmin) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "ignore_maintenance_windows: only an admin may ask for it");
  }
  for (std::int64_t id : request.window_ids) {
    auto window = services_.store.GetMaintenanceWindow(id);
    if (!window) {
      if (window.error().code != ErrorCode::kNotFound) return tl::unexpected(window.error());
      return core::MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("window_ids: no maintenance window {}", id));
    }
  }
  return parameters;
}

core::Result<Operation> Engine::Get(std::int64_t id) {
  return impl_->services_.store.GetOperation(id);
}

core::Result<core::OperationPage> Engine::List(const core::OperationQuery& query) {
  return impl_->services_.store.ListOperations(query);
}

core::Result<Operation> Engine::Cancel(const core::Actor& actor, std::int64_t id) {
  Impl::Actions actions;
  core::Result<Operation> outcome;
  {
    std::lock_guard lock(impl_->mu_);
    Operation op;
    if (auto it = impl_->active_.find(id); it != impl_->active_.end()) {
      op = it->second;
    } else {
      auto stored = impl_->services_.store.GetOperation(id);
      if (!stored) return tl::unexpected(stored.error());
      op = *stored;
    }
    if (core::IsFinal(op.state)) {
      return core::MakeError(ErrorCode::kConflict, fmt::format("operation {} is already {}", id,
                                                               core::ToString(op.state)));
    }
    core::AuditEntry audit;
    audit.actor = actor.name;
    audit.actor_token_id = actor.token_id;
    audit.action = "operation.cancel";
    audit.target_type = "operation";
    audit.target_id = std::to_string(id);
    audit.details_json =
        fmt::format(R"({{"device_id":{},"state":"{}"}})", op.device_id, core::ToString(op.state));
    auto done = impl_->FinishLocked(op, OperationState::kCancelled,
                                    ReasonJson(fmt::format("cancelled by {}", actor.name)), actions,
                                    std::move(audit));
    if (done) {
      outcome = *done;
    } else {
      outcome = core::MakeError(ErrorCode::kConflict,
                                fmt::format("operation {} changed while being cancelled", id));
    }
  }
  Impl::RunActions(actions);
  return outcome;
}

}  // namespace custos::ops
