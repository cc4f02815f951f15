// What deliverers report: delivered, undelivered, progress, results, contact.
#include <spdlog/spdlog.h>

#include "ops/engine_impl.h"

namespace custos::ops {

using core::Operation;
using core::OperationState;

void Engine::OnDelivered(core::DeviceId device, std::int64_t operation_id) {
  if (impl_->stopping_) return;
  std::lock_guard lock(impl_->mu_);
  const Operation* op = impl_->FindLocked(device, operation_id);
  if (op == nullptr || op->state != OperationState::kSent || !op->next_attempt_at) return;
  Operation next = *op;
  next.next_attempt_at.reset();
  impl_->PersistLocked(std::move(next), OperationState::kSent);
}

void Engine::OnUndelivered(core::DeviceId device, std::int64_t operation_id,
                           const core::Error& why) {
  // The retry time set when it was sent stands; a contact of the device comes sooner.
  spdlog::info("operations: operation {} not delivered to device {} yet: {}", operation_id, device,
               why.message);
}

void Engine::OnProgress(core::DeviceId device, std::int64_t operation_id,
                        std::string details_json) {
  if (impl_->stopping_) return;
  std::lock_guard lock(impl_->mu_);
  const Operation* op = impl_->FindLocked(device, operation_id);
  if (op == nullptr ||
      (op->state != OperationState::kSent && op->state != OperationState::kInProgress)) {
    return;
  }
  Operation next = *op;
  const OperationState from = op->state;
  next.state = OperationState::kInProgress;
  next.next_attempt_at.reset();
  next.result_json = std::move(details_json);
  impl_->resend_on_contact_.erase(operation_id);
  impl_->PersistLocked(std::move(next), from);
}

void Engine::OnResult(core::DeviceId device, std::int64_t operation_id, DeviceOutcome outcome,
                      std::string result_json) {
  if (impl_->stopping_) return;
  Impl::Actions actions;
  {
    std::lock_guard lock(impl_->mu_);
    const Operation* op = impl_->FindLocked(device, operation_id);
    if (op == nullptr) {
      if (impl_->active_.count(operation_id) == 0) {
        impl_->RecordLateResultLocked(device, operation_id, outcome, result_json);
      }
      return;
    }
    if (op->state != OperationState::kSent && op->state != OperationState::kInProgress) return;
    const OperationState to = outcome == DeviceOutcome::kSucceeded  ? OperationState::kSucceeded
                              : outcome == DeviceOutcome::kRejected ? OperationState::kRejected
                                                                    : OperationState::kFailed;
    impl_->FinishLocked(*op, to, std::move(result_json), actions);
  }
  Impl::RunActions(actions);
}

void Engine::OnContact(core::DeviceId device) {
  if (impl_->stopping_) return;
  Impl::Actions actions;
  {
    std::lock_guard lock(impl_->mu_);
    if (!impl_->started_) return;
    auto it = impl_->by_device_.find(device);
    if (it == impl_->by_device_.end()) return;
    // First what was sent and not taken (or sent before a restart), oldest first.
    const std::vector<std::int64_t> ids(it->second.begin(), it->second.end());
    for (std::int64_t id : ids) {
      auto op = impl_->active_.find(id);
      if (op == impl_->active_.end() || op->second.state != OperationState::kSent) continue;
      if (op->second.next_attempt_at || impl_->resend_on_contact_.count(id) > 0) {
        const Operation copy = op->second;
        impl_->ResendLocked(copy, actions);
      }
    }
    impl_->StepDeviceLocked(device, actions);
  }
  Impl::RunActions(actions);
}

}  // namespace custos::ops
