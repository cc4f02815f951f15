// Bulk requests: one operation per selected device, stored a batch per transaction, taken up
// by the driver afterwards.
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
    auto created = impl_->services_.store.CreateOperations(std::exchange(batch, {}),
                                                           std::move(audit));
    if (!created) return tl::unexpected(created.error());
    outcome.created += static_cast<std::int64_t>(created->size());
    {
      std::lock_guard lock(impl_->mu_);
      for (const Operation& op : *created) {
        impl_->TrackLocked(op);
        impl_->PublishLocked("operation.created", op);
        impl_->bulk_unstepped_.insert(op.id);
      }
    }
    impl_->Wake();
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
      Operation op;
      op.device_id = device.id;
      op.kind = request.kind;
      op.parameters_json = parameters;
      op.requested_by = actor.name;
      op.deadline = request.deadline ? *request.deadline
                                     : now + request.timeout_ms.value_or(
                                                 impl_->options_.default_timeout_ms);
      op.schedule_at = request.schedule_at;
      op.battery_threshold = request.battery_threshold;
      op.campaign_id = request.campaign_id;
      op.window_ids = request.window_ids;
      op.ignore_maintenance_windows = request.ignore_maintenance_windows;
      op.created_at = now;
      op.updated_at = now;
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

bool Engine::Impl::StepBulkLocked(std::size_t limit, Actions& actions) {
  if (!started_) return false;
  for (std::size_t n = 0; n < limit && !bulk_unstepped_.empty(); ++n) {
    const std::int64_t id = *bulk_unstepped_.begin();
    bulk_unstepped_.erase(bulk_unstepped_.begin());
    StepLocked(id, actions);
  }
  return !bulk_unstepped_.empty();
}

}  // namespace custos::ops
