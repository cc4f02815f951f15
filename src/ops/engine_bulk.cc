// Operations created many at a time: one per device a selector selects (CreateBulk) or one
// per request of a list (CreateMany, the campaigns' admission), stored a batch per
// transaction and taken up by the driver afterwards.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "ops/engine_impl.h"

namespace custos::ops {
namespace {

using core::ErrorCode;
using core::Operation;

// Operations per store transaction.
constexpr std::size_t kBulkBatch = 2000;

}  // namespace

core::Result<BulkOutcome> Engine::CreateBulk(const core::Actor& actor, const BulkSelector& selector,
                                             OperationRequest request, bool dry_run) {
  if (impl_->stopping_) return core::MakeError(ErrorCode::kUnavailable, "shutting down");
  if (selector.group.has_value() == !selector.filter.empty()) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "selector: give either a group or a filter");
  }
  const core::TimeMs now = impl_->services_.clock.Now();
  auto checked = impl_->CheckRequest(actor, request, now);
  if (!checked) return tl::unexpected(checked.error());
  const std::string parameters = boost::json::serialize(*checked);
  if (selector.group) {
    if (auto group = impl_->services_.registry.GetGroup(*selector.group); !group) {
      return tl::unexpected(group.error());
    }
  }
  const bool server_side =
      request.kind == core::OperationKind::kEnable || request.kind == core::OperationKind::kDisable;

  BulkOutcome outcome;
  std::vector<Operation> batch;
  auto flush = [&]() -> core::Result<void> {
    if (batch.empty()) return {};
    if (dry_run) {
      outcome.created += static_cast<std::int64_t>(batch.size());
      batch.clear();
      return {};
    }
    core::AuditEntry audit;
    audit.actor = actor.name;
    audit.actor_token_id = actor.token_id;
    audit.action = "operation.bulk";
    audit.target_type = "operation";
    boost::json::object details;
    if (selector.group) {
      details["group"] = *selector.group;
    } else {
      details["filter"] = selector.filter;
    }
    details["kind"] = core::ToString(request.kind);
    details["count"] = batch.size();
    details["parameters"] = *checked;
    audit.details_json = boost::json::serialize(details);
    auto created =
        impl_->StoreForDriver(std::exchange(batch, {}), std::move(audit), request.on_conflict);
    if (!created) return tl::unexpected(created.error());
    outcome.created += static_cast<std::int64_t>(created->size());
    return {};
  };

  core::ListDevicesRequest list;
  list.filter = selector.filter;
  list.group = selector.group;
  list.limit = 1000;
  while (true) {
    auto page = impl_->services_.registry.ListDevices(list);
    if (!page) return tl::unexpected(page.error());
    for (const core::Device& device : page->devices) {
      ++outcome.selected;
      if (device.state == core::LifecycleState::kRetired) {
        ++outcome.skipped["retired"];
        continue;
      }
      if (!server_side) {
        std::lock_guard lock(impl_->mu_);
        Deliverer* deliverer = impl_->DelivererFor(device);
        if (deliverer == nullptr || !deliverer->Supports(request.kind)) {
          ++outcome.skipped["unsupported_kind"];
          continue;
        }
      }
      request.device_id = device.id;
      Operation op = impl_->NewOperation(actor, request, parameters, now);
      batch.push_back(std::move(op));
      if (batch.size() >= kBulkBatch) {
        if (auto r = flush(); !r) return tl::unexpected(r.error());
      }
    }
    if (page->next_cursor.empty()) break;
    list.cursor = page->next_cursor;
  }
  if (auto r = flush(); !r) return tl::unexpected(r.error());
  spdlog::info("operations: bulk {} by {}: {} selected, {} created{}", core::ToString(request.kind),
               actor.name, outcome.selected, outcome.created, dry_run ? " (dry run)" : "");
  return outcome;
}

std::vector<core::Result<core::Operation>> Engine::CreateMany(
    const core::Actor& actor, std::vector<OperationRequest> requests) {
  std::vector<core::Result<Operation>> results(requests.size(), Operation{});
  if (impl_->stopping_) {
    for (auto& r : results) r = core::MakeError(ErrorCode::kUnavailable, "shutting down");
    return results;
  }
  const core::TimeMs now = impl_->services_.clock.Now();
  // Checked one by one as Create checks them; stored a batch (of one on_conflict) at a time.
  std::vector<Operation> batch;
  std::vector<std::size_t> slots;
  OnConflict batch_conflict = OnConflict::kWait;
  auto flush = [&] {
    if (batch.empty()) return;
    core::AuditEntry audit;
    audit.actor = actor.name;
    audit.actor_token_id = actor.token_id;
    audit.action = "operation.create";
    audit.target_type = "operation";
    boost::json::object details;
    details["count"] = batch.size();
    details["kind"] = core::ToString(batch.front().kind);
    if (batch.front().campaign_id) details["campaign_id"] = *batch.front().campaign_id;
    audit.details_json = boost::json::serialize(details);
    auto created = impl_->StoreForDriver(std::exchange(batch, {}), std::move(audit),
                                         batch_conflict);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (created) {
        results[slots[i]] = (*created)[i];
      } else {
        results[slots[i]] = tl::unexpected(created.error());
      }
    }
    slots.clear();
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const OperationRequest& request = requests[i];
    auto checked = impl_->CheckRequest(actor, request, now);
    if (!checked) {
      results[i] = tl::unexpected(checked.error());
      continue;
    }
    auto device = impl_->services_.registry.GetDevice(request.device_id);
    if (!device) {
      results[i] = tl::unexpected(device.error());
      continue;
    }
    if (device->state == core::LifecycleState::kRetired) {
      results[i] = core::MakeError(ErrorCode::kFailedPrecondition,
                                   fmt::format("device {} is retired", device->name));
      continue;
    }
    const bool server_side = request.kind == core::OperationKind::kEnable ||
                             request.kind == core::OperationKind::kDisable;
    if (!server_side) {
      std::lock_guard lock(impl_->mu_);
      Deliverer* deliverer = impl_->DelivererFor(*device);
      if (deliverer == nullptr || !deliverer->Supports(request.kind)) {
        results[i] = core::MakeError(
            ErrorCode::kFailedPrecondition,
            fmt::format("device {} (protocol \"{}\") cannot take a {} operation", device->name,
                        device->protocol, core::ToString(request.kind)));
        continue;
      }
    }
    if (!batch.empty() &&
        (batch_conflict != request.on_conflict || batch.front().kind != request.kind ||
         batch.front().campaign_id != request.campaign_id)) {
      flush();
    }
    batch_conflict = request.on_conflict;
    batch.push_back(impl_->NewOperation(actor, request, boost::json::serialize(*checked), now));
    slots.push_back(i);
    if (batch.size() >= kBulkBatch) flush();
  }
  flush();
  return results;
}

Operation Engine::Impl::NewOperation(const core::Actor& actor, const OperationRequest& request,
                                     std::string parameters, core::TimeMs now) const {
  Operation op;
  op.device_id = request.device_id;
  op.kind = request.kind;
  op.parameters_json = std::move(parameters);
  op.requested_by = actor.name;
  op.deadline = request.deadline
                    ? *request.deadline
                    : now + request.timeout_ms.value_or(options_.default_timeout_ms);
  op.schedule_at = request.schedule_at;
  op.battery_threshold = request.battery_threshold;
  op.campaign_id = request.campaign_id;
  op.window_ids = request.window_ids;
  op.ignore_maintenance_windows = request.ignore_maintenance_windows;
  op.created_at = now;
  op.updated_at = now;
  return op;
}

core::Result<std::vector<Operation>> Engine::Impl::StoreForDriver(std::vector<Operation> batch,
                                                                  core::AuditEntry audit,
                                                                  OnConflict on_conflict) {
  auto created = services_.store.CreateOperations(std::move(batch), std::move(audit));
  if (!created) return tl::unexpected(created.error());
  {
    std::lock_guard lock(mu_);
    for (const Operation& op : *created) {
      TrackLocked(op);
      PublishLocked("operation.created", op);
      bulk_unstepped_.emplace(op.id, on_conflict);
    }
  }
  Wake();
  return created;
}

bool Engine::Impl::StepBulkLocked(std::size_t limit, Actions& actions) {
  if (!started_) return false;
  for (std::size_t n = 0; n < limit && !bulk_unstepped_.empty(); ++n) {
    const auto [id, on_conflict] = *bulk_unstepped_.begin();
    bulk_unstepped_.erase(bulk_unstepped_.begin());
    StepLocked(id, actions, on_conflict);
  }
  return !bulk_unstepped_.empty();
}

}  // namespace custos::ops
