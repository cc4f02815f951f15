// Batches: many transitions, one transaction. See Engine::Impl::BeginBatchLocked.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "ops/engine_impl.h"

namespace custos::ops {

using core::Operation;

void Engine::Impl::CommitBatchLocked(Actions& actions) {
  batching_ = false;
  if (deferred_.empty()) return;
  std::vector<Deferred> batch;
  batch.swap(deferred_);
  std::vector<std::int64_t> ids;
  std::vector<core::OperationUpdate> updates;
  ids.reserve(batch.size());
  updates.reserve(batch.size());
  for (Deferred& d : batch) {
    ids.push_back(d.update.operation.id);
    updates.push_back(std::move(d.update));
  }
  auto stored = services_.store.UpdateOperations(std::move(updates));
  // The first transition of each operation that was not stored: the ones after it failed too
  // (their compare-and-set expected it), and memory goes back to before it.
  std::map<std::int64_t, std::size_t> failed;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (failed.count(ids[i]) > 0) continue;
    if (stored[i]) {
      PublishLocked(batch[i].event_type, *stored[i]);
    } else {
      failed.emplace(ids[i], i);
    }
  }
  if (failed.empty()) return;
  for (const auto& [id, i] : failed) RecoverLocked(id, stored[i].error(), batch[i].before);
  std::erase_if(actions, [&](const Action& a) { return failed.count(a.op.id) > 0; });
}

void Engine::Impl::RecoverLocked(std::int64_t id, const core::Error& error,
                                 const std::optional<Operation>& before) {
  spdlog::warn("operations: operation {} not stored: {}", id, error.message);
  if (error.code == core::ErrorCode::kNotFound) {
    UntrackLocked(id);  // its device was deleted, and the operation with it
    return;
  }
  auto current = services_.store.GetOperation(id);
  if (current) {
    if (core::IsFinal(current->state)) {
      UntrackLocked(id);
    } else {
      TrackLocked(*current);
    }
  } else if (current.error().code == core::ErrorCode::kNotFound) {
    UntrackLocked(id);
  } else if (before) {
    TrackLocked(*before);  // the store cannot tell; what was stored before stands
  } else {
    UntrackLocked(id);
  }
}

void Engine::Impl::RoundLocked(Actions& actions) {
  BeginBatchLocked();
  TakeReportsLocked(actions);
  PollLocked(actions);
  CommitBatchLocked(actions);
}

}  // namespace custos::ops
