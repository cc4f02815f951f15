// The state machine: every transition is stored (compare-and-set on the state it leaves),
// then published, then acted on.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <limits>

#include "ops/engine_impl.h"

namespace custos::ops {

using core::Operation;
using core::OperationKind;
using core::OperationState;

std::string ReasonJson(std::string_view reason) {
  boost::json::object o;
  o["reason"] = reason;
  return boost::json::serialize(o);
}

void Engine::Impl::RunActions(const Actions& actions) {
  for (const Action& a : actions) {
    if (a.cancel) {
      a.deliverer->Cancel(a.op, a.device);
    } else {
      a.deliverer->Deliver(a.op, a.device);
    }
  }
}

core::Result<core::Device> Engine::Impl::LoadDevice(core::DeviceId id) const {
  auto device = services_.registry.GetDevice(id);
  if (!device) return device;
  if (auto hot = services_.registry.fleet().Get(id)) {
    device->connectivity = hot->connectivity;
    device->state = hot->state;
  }
  return device;
}

Deliverer* Engine::Impl::DelivererFor(const core::Device& device) const {
  auto it = deliverers_.find(device.protocol);
  return it == deliverers_.end() ? nullptr : it->second;
}

void Engine::Impl::TrackLocked(const Operation& op) {
  active_[op.id] = op;
  by_device_[op.device_id].insert(op.id);
  NoteDueLocked(DueAtLocked(op));
}

core::TimeMs Engine::Impl::DueAtLocked(const Operation& op) const {
  core::TimeMs at = std::numeric_limits<core::TimeMs>::max();
  if (op.deadline) at = std::min(at, *op.deadline);
  if (op.state == OperationState::kScheduled && op.schedule_at) at = std::min(at, *op.schedule_at);
  if (op.state == OperationState::kSent && op.next_attempt_at) {
    at = std::min(at, *op.next_attempt_at);
  }
  if (op.state == OperationState::kWaiting && op.waiting_for == kGuardMaintenanceWindow) {
    auto opens = window_opens_at_.find(op.id);
    at = std::min(at, opens == window_opens_at_.end() ? core::TimeMs{0} : opens->second);
  }
  return at;
}

void Engine::Impl::UntrackLocked(std::int64_t id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  auto dev = by_device_.find(it->second.device_id);
  if (dev != by_device_.end()) {
    dev->second.erase(id);
    if (dev->second.empty()) by_device_.erase(dev);
  }
  resend_on_contact_.erase(id);
  window_opens_at_.erase(id);
  bulk_unstepped_.erase(id);
  active_.erase(it);
}

void Engine::Impl::PublishLocked(const char* type, const Operation& op) {
  core::Event e;
  e.type = type;
  e.device_id = op.device_id;
  e.data_json = fmt::format(
      R"({{"id":{},"device_id":{},"kind":"{}","state":"{}","waiting_for":"{}","attempts":{}}})",
      op.id, op.device_id, core::ToString(op.kind), core::ToString(op.state), op.waiting_for,
      op.attempts);
  services_.events.Publish(std::move(e));
}

std::optional<Operation> Engine::Impl::PersistLocked(Operation next, OperationState from,
                                                     std::optional<core::AuditEntry> audit,
                                                     const char* event_type) {
  const std::int64_t id = next.id;
  std::optional<Operation> before;
  if (auto it = active_.find(id); it != active_.end()) before = it->second;
  if (batching_) {
    next.updated_at = services_.clock.Now();
    if (core::IsFinal(next.state)) {
      UntrackLocked(id);
    } else {
      TrackLocked(next);
    }
    deferred_.push_back(Deferred{core::OperationUpdate{next, from, std::move(audit)},
                                 std::move(before), event_type});
    return next;
  }
  auto stored = services_.store.UpdateOperation(std::move(next), from, std::move(audit));
  if (!stored) {
    RecoverLocked(id, stored.error(), before);
    return std::nullopt;
  }
  if (core::IsFinal(stored->state)) {
    UntrackLocked(stored->id);
  } else {
    TrackLocked(*stored);
  }
  PublishLocked(event_type, *stored);
  return *stored;
}

void Engine::Impl::StepLocked(std::int64_t id, Actions& actions, OnConflict on_conflict) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  const Operation op = it->second;
  if (op.state != OperationState::kPending && op.state != OperationState::kScheduled &&
      op.state != OperationState::kWaiting) {
    return;
  }
  const core::TimeMs now = services_.clock.Now();
  if (op.deadline && now >= *op.deadline) {
    FinishLocked(op, OperationState::kTimedOut,
                 ReasonJson("the deadline passed before it was sent"), actions);
    return;
  }
  if (op.schedule_at && *op.schedule_at > now) {
    if (op.state != OperationState::kScheduled) {
      Operation next = op;
      next.state = OperationState::kScheduled;
      next.waiting_for.clear();
      PersistLocked(std::move(next), op.state);
    }
    return;
  }
  auto device = LoadDevice(op.device_id);
  if (!device) {
    if (device.error().code == core::ErrorCode::kNotFound) UntrackLocked(id);
    return;  // any other failure: the next poll tries again
  }
  if (device->state == core::LifecycleState::kRetired) {
    FinishLocked(op, OperationState::kFailed, ReasonJson("the device is retired"), actions);
    return;
  }
  GuardView view;
  for (std::int64_t other : by_device_[op.device_id]) {
    if (other >= op.id) break;
    if (HoldsLockAgainst(active_.at(other), op)) {
      view.lock_free = false;
      break;
    }
  }
  view.power_ok =
      PowerAllows(device->health, op.battery_threshold.value_or(options_.battery_threshold));
  std::optional<core::TimeMs> opens_at;
  const bool server_side = op.kind == OperationKind::kEnable || op.kind == OperationKind::kDisable;
  view.window_open = server_side || !WindowsHoldLocked(op, *device, opens_at);
  Deliverer* deliverer = DelivererFor(*device);
  view.reachable = deliverer != nullptr && deliverer->Reachable(*device);
  bulk_unstepped_.erase(id);
  window_opens_at_.erase(id);
  if (auto guard = HoldingGuard(op.kind, view)) {
    if (*guard == kGuardMaintenanceWindow) {
      // Looked at again when the window opens (never, before the deadline, if it does not).
      window_opens_at_[id] = opens_at.value_or(std::numeric_limits<core::TimeMs>::max());
      NoteDueLocked(window_opens_at_[id]);
    }
    if (*guard == kGuardExclusiveLock && on_conflict == OnConflict::kReject) {
      FinishLocked(op, OperationState::kRejected,
                   ReasonJson("another disruptive operation (reboot, factory_reset or "
                              "firmware_update) of this device is ahead of it"),
                   actions);
      return;
    }
    if (op.state != OperationState::kWaiting || op.waiting_for != *guard) {
      Operation next = op;
      next.state = OperationState::kWaiting;
      next.waiting_for = *guard;
      PersistLocked(std::move(next), op.state);
    }
    return;
  }
  if (op.kind == OperationKind::kEnable || op.kind == OperationKind::kDisable) {
    RunServerSideLocked(op, *device, actions);
    return;
  }
  SendLocked(op, *device, deliverer, actions);
}

void Engine::Impl::StepDeviceLocked(core::DeviceId device, Actions& actions) {
  auto it = by_device_.find(device);
  if (it == by_device_.end()) return;
  const std::vector<std::int64_t> ids(it->second.begin(), it->second.end());
  for (std::int64_t id : ids) StepLocked(id, actions);
}

void Engine::Impl::SendLocked(const Operation& op, const core::Device& device, Deliverer* deliverer,
                              Actions& actions) {
  Operation next = op;
  next.state = OperationState::kSent;
  next.waiting_for.clear();
  next.attempts = op.attempts + 1;
  next.next_attempt_at = services_.clock.Now() + RetryDelayMs(options_, next.attempts);
  auto sent = PersistLocked(std::move(next), op.state);
  if (!sent) return;
  resend_on_contact_.erase(sent->id);
  actions.push_back(Action{deliverer, *sent, device, false});
}

void Engine::Impl::ResendLocked(const Operation& op, Actions& actions) {
  auto device = LoadDevice(op.device_id);
  if (!device) return;
  Deliverer* deliverer = DelivererFor(*device);
  if (deliverer == nullptr || !deliverer->Reachable(*device)) return;
  // The device never took it (no progress, no result): sent inside a window that has closed
  // since, it goes back to waiting for the next one rather than out now.
  std::optional<core::TimeMs> opens_at;
  if (WindowsHoldLocked(op, *device, opens_at)) {
    window_opens_at_[op.id] = opens_at.value_or(std::numeric_limits<core::TimeMs>::max());
    NoteDueLocked(window_opens_at_[op.id]);
    resend_on_contact_.erase(op.id);
    Operation next = op;
    next.state = OperationState::kWaiting;
    next.waiting_for = kGuardMaintenanceWindow;
    next.next_attempt_at.reset();
    PersistLocked(std::move(next), op.state);
    return;
  }
  SendLocked(op, *device, deliverer, actions);
}

void Engine::Impl::RunServerSideLocked(const Operation& op, const core::Device& device,
                                       Actions& actions) {
  const bool enable = op.kind == OperationKind::kEnable;
  // Enabled means anything but disabled (a never-seen device is provisioned).
  const bool disabled = device.state == core::LifecycleState::kDisabled;
  if (enable != disabled) {
    FinishLocked(
        op, OperationState::kSucceeded,
        ReasonJson(enable ? "the device was already enabled" : "the device was already disabled"),
        actions);
    return;
  }
  // Whoever asked was allowed to (creating an operation takes the operator role); the engine
  // acts in their name.
  core::Actor actor;
  actor.name = op.requested_by.empty() ? "system" : op.requested_by;
  actor.role = core::Role::kOperator;
  const std::string reason = fmt::format("operation {}", op.id);
  auto changed = enable ? services_.registry.EnableDevice(actor, op.device_id, reason)
                        : services_.registry.DisableDevice(actor, op.device_id, reason);
  if (changed) {
    FinishLocked(op, OperationState::kSucceeded,
                 fmt::format(R"({{"lifecycle":"{}"}})", core::ToString(changed->state)), actions);
  } else {
    FinishLocked(op, OperationState::kFailed, ReasonJson(changed.error().message), actions);
  }
}

std::optional<Operation> Engine::Impl::FinishLocked(const Operation& op, OperationState to,
                                                    std::string result_json, Actions& actions,
                                                    std::optional<core::AuditEntry> audit) {
  Operation next = op;
  next.state = to;
  next.waiting_for.clear();
  next.next_attempt_at.reset();
  next.result_json = std::move(result_json);
  auto done = PersistLocked(std::move(next), op.state, std::move(audit));
  if (!done) return done;
  const bool out_on_device =
      op.state == OperationState::kSent || op.state == OperationState::kInProgress;
  if (out_on_device && (to == OperationState::kCancelled || to == OperationState::kTimedOut)) {
    if (auto device = LoadDevice(op.device_id)) {
      if (Deliverer* deliverer = DelivererFor(*device)) {
        actions.push_back(Action{deliverer, *done, *device, true});
      }
    }
  }
  StepDeviceLocked(op.device_id, actions);
  return done;
}

void Engine::Impl::PollLocked(Actions& actions) {
  // Devices that reported (battery, power) or came online: their held work may go now.
  std::set<core::DeviceId> reported;
  if (device_events_) {
    while (auto e = device_events_->Next(0)) reported.insert(e->device_id);
  }
  for (core::DeviceId device : reported) StepDeviceLocked(device, actions);

  const core::TimeMs now = services_.clock.Now();
  std::vector<std::int64_t> due;
  if (now >= next_scan_at_) {
    // What stays due after this poll (a retry of a device out of reach) is looked at again
    // a tick later, as before.
    next_scan_at_ = std::numeric_limits<core::TimeMs>::max();
    for (const auto& [id, op] : active_) {
      const core::TimeMs at = DueAtLocked(op);
      if (now >= at) {
        due.push_back(id);
        NoteDueLocked(now + options_.driver_tick_ms);
      } else {
        NoteDueLocked(at);
      }
    }
  }
  // Operations created in bulk are taken up a slice at a time, so that other requests get
  // the lock in between; the driver comes back at once for the rest.
  if (StepBulkLocked(kBulkStepsPerPoll, actions)) Wake();
  for (std::int64_t id : due) {
    auto it = active_.find(id);
    if (it == active_.end()) continue;
    const Operation op = it->second;
    if (op.deadline && now >= *op.deadline) {
      FinishLocked(op, OperationState::kTimedOut, ReasonJson("the deadline passed"), actions);
    } else if (op.state == OperationState::kScheduled || op.state == OperationState::kWaiting) {
      StepLocked(id, actions);
    } else if (op.attempts >= options_.max_attempts) {
      FinishLocked(op, OperationState::kFailed,
                   ReasonJson(fmt::format("not delivered after {} attempts", op.attempts)),
                   actions);
    } else {
      ResendLocked(op, actions);
    }
  }
}

void Engine::Impl::RecordLateResultLocked(core::DeviceId device, std::int64_t id,
                                          DeviceOutcome outcome, const std::string& result_json) {
  auto stored = services_.store.GetOperation(id);
  if (!stored || stored->device_id != device) return;
  if (stored->state != OperationState::kCancelled && stored->state != OperationState::kTimedOut) {
    return;
  }
  boost::system::error_code ec;
  boost::json::value previous = boost::json::parse(stored->result_json, ec);
  boost::json::object result =
      !ec && previous.is_object() ? previous.as_object() : boost::json::object();
  boost::json::value details = boost::json::parse(result_json, ec);
  boost::json::object late;
  late["state"] = ToString(outcome);
  late["details"] = ec ? boost::json::value(boost::json::object()) : std::move(details);
  result["late_result"] = std::move(late);
  Operation next = *stored;
  next.result_json = boost::json::serialize(result);
  PersistLocked(std::move(next), stored->state);
}

const Operation* Engine::Impl::FindLocked(core::DeviceId device, std::int64_t id) const {
  auto it = active_.find(id);
  if (it == active_.end() || it->second.device_id != device) return nullptr;
  return &it->second;
}

}  // namespace custos::ops
