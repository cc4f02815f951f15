// What deliverers report: delivered, undelivered, progress, results, contact.
//
// With a driver thread a report goes into the inbox and the driver takes the whole inbox up
// in one poll, one transaction (Impl::TakeReportsLocked): a device's result waits for a
// group commit instead of costing one, and the protocol thread that heard it goes back to its
// sockets at once. SyncReports lets a deliverer that acknowledges reports wait for the store.
#include <spdlog/spdlog.h>

#include "ops/engine_impl.h"

namespace custos::ops {

using core::Operation;
using core::OperationState;

void Engine::Impl::Report(Reported report) {
  if (stopping_) return;
  if (queue_reports_) {
    {
      std::lock_guard lock(inbox_mu_);
      inbox_.push_back(std::move(report));
      ++reports_queued_;
    }
    Wake();
    return;
  }
  Actions actions;
  {
    std::lock_guard lock(mu_);
    ApplyLocked(std::move(report), actions);
  }
  RunActions(actions);
}

void Engine::Impl::TakeReportsLocked(Actions& actions) {
  std::vector<Reported> taken;
  {
    std::lock_guard lock(inbox_mu_);
    taken.swap(inbox_);
    reports_taking_ = reports_queued_;
  }
  for (Reported& report : taken) ApplyLocked(std::move(report), actions);
}

void Engine::Impl::ReportsStored() {
  {
    std::lock_guard lock(inbox_mu_);
    reports_stored_ = std::max(reports_stored_, reports_taking_);
  }
  reports_cv_.notify_all();
}

void Engine::SyncReports() {
  if (std::this_thread::get_id() == impl_->driver_.get_id()) return;  // it stores them itself
  std::unique_lock lock(impl_->inbox_mu_);
  const std::uint64_t ticket = impl_->reports_queued_;
  impl_->reports_cv_.wait(
      lock, [&] { return impl_->reports_stored_ >= ticket || impl_->reports_closed_; });
}

void Engine::Impl::ApplyLocked(Reported report, Actions& actions) {
  switch (report.kind) {
    case Reported::kDelivered:
      return DeliveredLocked(report.device, report.operation_id);
    case Reported::kProgress:
      return ProgressLocked(report.device, report.operation_id, std::move(report.json));
    case Reported::kResult:
      return ResultLocked(report.device, report.operation_id, report.outcome,
                          std::move(report.json), actions);
    case Reported::kContact:
      return ContactLocked(report.device, actions);
  }
}

void Engine::OnDelivered(core::DeviceId device, std::int64_t operation_id) {
  impl_->Report(
      {.kind = Impl::Reported::kDelivered, .device = device, .operation_id = operation_id});
}

void Engine::OnUndelivered(core::DeviceId device, std::int64_t operation_id,
                           const core::Error& why) {
  // The retry time set when it was sent stands; a contact of the device comes sooner.
  spdlog::info("operations: operation {} not delivered to device {} yet: {}", operation_id, device,
               why.message);
}

void Engine::OnProgress(core::DeviceId device, std::int64_t operation_id,
                        std::string details_json) {
  impl_->Report({.kind = Impl::Reported::kProgress,
                 .device = device,
                 .operation_id = operation_id,
                 .json = std::move(details_json)});
}

void Engine::OnResult(core::DeviceId device, std::int64_t operation_id, DeviceOutcome outcome,
                      std::string result_json) {
  impl_->Report({.kind = Impl::Reported::kResult,
                 .device = device,
                 .operation_id = operation_id,
                 .outcome = outcome,
                 .json = std::move(result_json)});
}

void Engine::OnContact(core::DeviceId device) {
  impl_->Report({.kind = Impl::Reported::kContact, .device = device});
}

void Engine::Impl::DeliveredLocked(core::DeviceId device, std::int64_t operation_id) {
  const Operation* op = FindLocked(device, operation_id);
  if (op == nullptr || op->state != OperationState::kSent || !op->next_attempt_at) return;
  Operation next = *op;
  next.next_attempt_at.reset();
  PersistLocked(std::move(next), OperationState::kSent);
}

void Engine::Impl::ProgressLocked(core::DeviceId device, std::int64_t operation_id,
                                  std::string details_json) {
  const Operation* op = FindLocked(device, operation_id);
  if (op == nullptr ||
      (op->state != OperationState::kSent && op->state != OperationState::kInProgress)) {
    return;
  }
  Operation next = *op;
  const OperationState from = op->state;
  next.state = OperationState::kInProgress;
  next.next_attempt_at.reset();
  next.result_json = std::move(details_json);
  resend_on_contact_.erase(operation_id);
  PersistLocked(std::move(next), from);
}

void Engine::Impl::ResultLocked(core::DeviceId device, std::int64_t operation_id,
                                DeviceOutcome outcome, std::string result_json, Actions& actions) {
  const Operation* op = FindLocked(device, operation_id);
  if (op == nullptr) {
    if (active_.count(operation_id) == 0) {
      RecordLateResultLocked(device, operation_id, outcome, result_json);
    }
    return;
  }
  if (op->state != OperationState::kSent && op->state != OperationState::kInProgress) return;
  const OperationState to = outcome == DeviceOutcome::kSucceeded  ? OperationState::kSucceeded
                            : outcome == DeviceOutcome::kRejected ? OperationState::kRejected
                                                                  : OperationState::kFailed;
  FinishLocked(*op, to, std::move(result_json), actions);
}

void Engine::Impl::ContactLocked(core::DeviceId device, Actions& actions) {
  if (!started_) return;
  auto it = by_device_.find(device);
  if (it == by_device_.end()) return;
  // First what was sent and not taken (or sent before a restart), oldest first.
  const std::vector<std::int64_t> ids(it->second.begin(), it->second.end());
  for (std::int64_t id : ids) {
    auto op = active_.find(id);
    if (op == active_.end() || op->second.state != OperationState::kSent) continue;
    if (op->second.next_attempt_at || resend_on_contact_.count(id) > 0) {
      const Operation copy = op->second;
      ResendLocked(copy, actions);
    }
  }
  StepDeviceLocked(device, actions);
}

}  // namespace custos::ops
