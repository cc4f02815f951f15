// One campaign's rollout: outcomes, thresholds, admission, state changes. Every function here
// runs with the manager's mutex held.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "campaign/manager_impl.h"

namespace custos::campaign {

namespace json = boost::json;

bool IsFinalOutcome(std::string_view outcome) {
  if (outcome == "skipped") return true;
  auto state = core::ParseOperationState(outcome);
  return state && core::IsFinal(*state);
}

bool IsFailure(std::string_view outcome) {
  return outcome == "failed" || outcome == "timed_out" || outcome == "rejected";
}

void CountOutcome(Live& live, const std::string& from, const std::string& to) {
  if (!from.empty()) {
    auto it = live.counts.find(from);
    if (it != live.counts.end() && --it->second <= 0) live.counts.erase(it);
  }
  ++live.counts[to];
}

void Manager::Impl::SetOutcome(Live& live, core::DeviceId device, std::string outcome,
                               std::optional<std::int64_t> operation_id) {
  auto it = live.members.find(device);
  if (it == live.members.end()) return;
  core::CampaignMember& m = it->second;
  if (operation_id && !m.operation_id) {
    m.operation_id = operation_id;
    live.by_operation[*operation_id] = device;
    live.dirty.insert(device);
  }
  // A final outcome is final: a late event does not undo it, and it counts once.
  if (IsFinalOutcome(m.outcome) || m.outcome == outcome) return;
  const bool was_queued = m.outcome == "queued";
  CountOutcome(live, m.outcome, outcome);
  m.outcome = std::move(outcome);
  live.dirty.insert(device);
  live.counts_dirty = true;
  if (was_queued) live.queued.erase({m.stage, device});
  if (!IsFinalOutcome(m.outcome)) return;
  if (!was_queued) --live.in_flight;
  if (m.outcome == "skipped" && was_queued) return;
  ++live.final_count;
  const bool failed = IsFailure(m.outcome);
  if (failed) ++live.failures;
  if (auto b = live.batches.find(m.batch); b != live.batches.end()) {
    ++b->second.final;
    if (failed) ++b->second.failed;
    if (m.outcome == "succeeded") ++b->second.succeeded;
  }
}

void Manager::Impl::Trip(Live& live, std::string_view threshold, int batch, double value,
                         double limit) {
  const bool abort = live.spec.thresholds.action == ThresholdAction::kAbort;
  live.new_events.push_back(
      {services_.clock.Now(), "threshold",
       fmt::format(R"({{"threshold":"{}","batch":{},"value":{:.4f},"limit":{:.4f},"action":"{}"}})",
                   threshold, batch, value, limit, abort ? "abort" : "pause")});
  spdlog::warn("campaign {}: {} {:.3f} beyond {:.3f}, {}", live.record.id, threshold, value,
               limit, abort ? "aborting" : "pausing");
  if (abort) {
    ChangeState(live, State::kAborted, "aborted", R"({"by":"threshold"})");
    StopWork(live, system_);
  } else if (live.state == State::kRunning) {
    ChangeState(live, State::kPaused, "paused", R"({"by":"threshold"})");
  }
}

void Manager::Impl::CheckThresholds(Live& live) {
  if (live.state != State::kRunning && live.state != State::kPaused) return;
  const Thresholds& t = live.spec.thresholds;
  if (t.batch_failure_rate) {
    for (auto& [index, tally] : live.batches) {
      if (live.tripped_batches.count(index) > 0) continue;
      // Before a batch is filled its target is the denominator: failures only grow, so a
      // rate already beyond the limit stays beyond it.
      const std::int64_t size = tally.filled ? tally.admitted : tally.target;
      if (size == 0) continue;
      const double rate = static_cast<double>(tally.failed) / static_cast<double>(size);
      if (rate > *t.batch_failure_rate) {
        live.tripped_batches.insert(index);
        Trip(live, "batch_failure_rate", index, rate, *t.batch_failure_rate);
        if (live.state == State::kAborted) return;
      }
    }
  }
  if (t.overall_failure_rate && live.final_count >= t.min_outcomes &&
      live.failures > live.overall_tripped_at) {
    const double rate =
        static_cast<double>(live.failures) / static_cast<double>(live.final_count);
    if (rate > *t.overall_failure_rate) {
      live.overall_tripped_at = live.failures;
      Trip(live, "overall_failure_rate", live.batch, rate, *t.overall_failure_rate);
    }
  }
}

void Manager::Impl::ChangeState(Live& live, State to, std::string_view kind,
                                std::string details_json) {
  if (live.state == to) return;
  live.state = to;
  live.record.state = ToString(to);
  live.state_dirty = true;
  live.new_events.push_back({services_.clock.Now(), std::string(kind), std::move(details_json)});
}

void Manager::Impl::StopWork(Live& live, const core::Actor& actor) {
  std::vector<core::DeviceId> queued;
  for (const auto& [stage, device] : live.queued) queued.push_back(device);
  for (core::DeviceId device : queued) SetOutcome(live, device, "skipped", std::nullopt);
  for (auto& [device, m] : live.members) {
    if (!m.operation_id || IsFinalOutcome(m.outcome)) continue;
    auto cancelled = services_.engine.Cancel(actor, *m.operation_id);
    if (cancelled) {
      SetOutcome(live, device, core::ToString(cancelled->state), std::nullopt);
    } else if (cancelled.error().code == core::ErrorCode::kConflict) {
      // Already final: its event brings the outcome.
    } else {
      spdlog::warn("campaign {}: cancelling operation {}: {}", live.record.id, *m.operation_id,
                   cancelled.error().message);
    }
  }
}

void Manager::Impl::CreateOperations(Live& live, const std::vector<core::DeviceId>& planned) {
  const OperationTemplate& t = live.spec.operation;
  std::vector<ops::OperationRequest> requests;
  requests.reserve(planned.size());
  for (core::DeviceId device : planned) {
    ops::OperationRequest request;
    request.device_id = device;
    request.kind = t.kind;
    request.parameters_json = t.parameters_json;
    request.timeout_ms = t.timeout_ms;
    request.battery_threshold = t.battery_threshold;
    request.on_conflict = t.on_conflict;
    request.campaign_id = live.record.id;
    request.window_ids = t.window_ids;
    requests.push_back(std::move(request));
  }
  core::Actor actor = system_;
  actor.name = live.record.created_by.empty() ? "campaign" : live.record.created_by;
  // Stored in batches, one transaction each: a campaign of 100,000 devices is admitted in
  // seconds rather than one write per device.
  auto created = services_.engine.CreateMany(actor, std::move(requests));
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const core::DeviceId device = planned[i];
    if (created[i]) {
      SetOutcome(live, device, core::ToString(created[i]->state), created[i]->id);
    } else if (created[i].error().code == core::ErrorCode::kUnavailable) {
      // The store is down: the member stays planned and is taken up at the next start.
      spdlog::warn("campaign {}: device {}: {}", live.record.id, device,
                   created[i].error().message);
    } else {
      // A device that cannot take the operation (retired, gone, wrong protocol) is skipped;
      // it neither fails the campaign nor holds it up.
      spdlog::info("campaign {}: device {} skipped: {}", live.record.id, device,
                   created[i].error().message);
      SetOutcome(live, device, "skipped", std::nullopt);
    }
  }
}

void Manager::Impl::Step(Live& live) {
  if (live.state != State::kRunning) return;
  const core::TimeMs now = services_.clock.Now();
  const Rollout& r = live.spec.rollout;
  if (r.rate_per_minute) {
    const double cap = std::max(1.0, *r.rate_per_minute / 60.0);
    live.tokens = std::min(cap, live.tokens + static_cast<double>(now - live.tokens_at) *
                                                  *r.rate_per_minute / 60'000.0);
  }
  live.tokens_at = now;
  while (live.state == State::kRunning) {
    BatchTally* current = live.batch >= 0 ? &live.batches[live.batch] : nullptr;
    if (current && !current->filled) {
      std::vector<core::DeviceId> picked;
      while (current->admitted < current->target && !live.queued.empty() &&
             live.queued.begin()->first == current->stage &&
             (!r.max_in_flight || live.in_flight < *r.max_in_flight) &&
             (!r.rate_per_minute || live.tokens >= 1.0)) {
        const core::DeviceId device = live.queued.begin()->second;
        live.queued.erase(live.queued.begin());
        core::CampaignMember& m = live.members[device];
        m.batch = live.batch;
        CountOutcome(live, m.outcome, "planned");
        m.outcome = "planned";
        ++live.in_flight;
        ++current->admitted;
        if (r.rate_per_minute) live.tokens -= 1.0;
        picked.push_back(device);
      }
      if (!picked.empty()) {
        // The planned rows are durable before any operation exists, so a crash in between
        // leaves something to reconcile, never a device with two operations.
        std::vector<core::CampaignMember> rows;
        for (core::DeviceId device : picked) rows.push_back(live.members[device]);
        if (auto saved = services_.store.SaveCampaignMembers(std::move(rows)); !saved) {
          spdlog::warn("campaign {}: planning: {}", live.record.id, saved.error().message);
          return;  // planned in memory: Start() after a restart, or the next save, resolves
        }
        live.counts_dirty = true;
        CreateOperations(live, picked);
        CheckThresholds(live);
      }
      current = &live.batches[live.batch];
      if (current->admitted >= current->target || live.queued.empty() ||
          live.queued.begin()->first != current->stage) {
        current->filled = true;
      } else {
        return;  // waiting for room in flight or for the rate
      }
    }
    if (current && current->final < current->admitted) return;  // the batch is under way
    if (current && live.spec.thresholds.batch_success_rate &&
        live.tripped_batches.count(live.batch) == 0 && current->admitted > 0) {
      const double rate =
          static_cast<double>(current->succeeded) / static_cast<double>(current->admitted);
      if (rate < *live.spec.thresholds.batch_success_rate) {
        live.tripped_batches.insert(live.batch);
        Trip(live, "batch_success_rate", live.batch, rate,
             *live.spec.thresholds.batch_success_rate);
        if (live.state != State::kRunning) return;
      }
    }
    if (live.queued.empty()) {
      if (live.in_flight == 0 && !live.spec.selector.continuous) {
        ChangeState(live, State::kCompleted, "completed",
                    fmt::format(R"({{"batches":{}}})", live.batch + 1));
      }
      return;
    }
    BatchTally next;
    next.stage = live.queued.begin()->first;
    next.target = BatchSize(r, live.batch + 1, static_cast<std::int64_t>(live.members.size()));
    live.batches[++live.batch] = next;
    live.new_events.push_back(
        {now, "batch_started",
         fmt::format(R"({{"batch":{},"size":{},"stage":{}}})", live.batch, next.target,
                     next.stage)});
  }
}

core::Result<void> Manager::Impl::Resync(Live& live) {
  core::OperationQuery query;
  query.campaign_id = live.record.id;
  query.limit = 1000;
  while (true) {
    auto page = services_.store.ListOperations(query);
    if (!page) return tl::unexpected(page.error());
    for (const core::Operation& op : page->operations) {
      auto it = live.members.find(op.device_id);
      if (it == live.members.end()) continue;
      // One operation per member: a second one (there should be none) is not counted.
      if (it->second.operation_id && *it->second.operation_id != op.id) continue;
      SetOutcome(live, op.device_id, core::ToString(op.state), op.id);
    }
    if (page->next_cursor.empty()) return {};
    query.after = page->next_cursor;
  }
}

void Manager::Impl::Flush(Live& live, std::optional<core::AuditEntry> audit) {
  if (!live.dirty.empty()) {
    std::vector<core::CampaignMember> rows;
    rows.reserve(live.dirty.size());
    for (core::DeviceId device : live.dirty) rows.push_back(live.members[device]);
    if (auto saved = services_.store.SaveCampaignMembers(std::move(rows)); saved) {
      live.dirty.clear();
    } else {
      spdlog::warn("campaign {}: saving members: {}", live.record.id, saved.error().message);
    }
  }
  if (live.state_dirty || !live.new_events.empty() || audit) {
    auto saved = services_.store.UpdateCampaign(live.record, live.new_events, std::move(audit));
    if (saved) {
      live.record.updated_at = saved->updated_at;
      live.new_events.clear();
      live.state_dirty = false;
      live.counts_dirty = true;
    } else {
      spdlog::warn("campaign {}: saving: {}", live.record.id, saved.error().message);
    }
  }
  if (live.counts_dirty) {
    live.counts_dirty = false;
    Publish("campaign.updated", ViewOf(live));
  }
}

}  // namespace custos::campaign
