// Private to the campaign module: the manager's in-memory view of the campaigns it drives.
#pragma once

#include <atomic>
#include <set>

#include "campaign/manager.h"

namespace custos::campaign {

// What the manager knows of one batch.
struct BatchTally {
  std::int64_t target = 0;
  int stage = 0;
  std::int64_t admitted = 0;
  std::int64_t final = 0;
  std::int64_t failed = 0;
  std::int64_t succeeded = 0;
  bool filled = false;  // no more devices join it
};

// A campaign being driven: running or paused, or finished with operations still under way.
struct Live {
  core::CampaignRecord record;
  Spec spec;
  State state = State::kRunning;
  std::vector<core::filter::Expr> stages;
  std::optional<core::filter::Expr> selector_filter;
  std::map<core::DeviceId, core::CampaignMember> members;
  // Members by outcome, kept as outcomes change (a view must not walk 100,000 members).
  std::map<std::string, std::int64_t> counts;
  std::set<std::pair<int, core::DeviceId>> queued;  // by stage, then device
  std::map<std::int64_t, core::DeviceId> by_operation;
  std::map<int, BatchTally> batches;
  int batch = -1;  // the current batch
  std::int64_t in_flight = 0;
  std::int64_t final_count = 0;
  std::int64_t failures = 0;
  std::int64_t overall_tripped_at = -1;  // failures when the overall threshold last tripped
  std::set<int> tripped_batches;
  double tokens = 0;
  core::TimeMs tokens_at = 0;
  core::TimeMs last_rescan = 0;
  bool rescan_wanted = false;
  std::set<core::DeviceId> dirty;               // members to write
  std::vector<core::CampaignEvent> new_events;  // timeline to write
  bool state_dirty = false;
  bool counts_dirty = false;
};

bool IsFinalOutcome(std::string_view outcome);
// Moves one member from outcome `from` ("" for a new member) to `to` in `live.counts`.
void CountOutcome(Live& live, const std::string& from, const std::string& to);
bool IsFailure(std::string_view outcome);

class Manager::Impl {
 public:
  Impl(ManagerServices services, ManagerOptions options)
      : services_(services), options_(options) {}

  // ---- manager_live.cc: one campaign's rollout (with mu_ held)
  // Records a member's new outcome (and operation) and keeps the tallies.
  void SetOutcome(Live& live, core::DeviceId device, std::string outcome,
                  std::optional<std::int64_t> operation_id);
  // Failure thresholds after outcomes changed.
  void CheckThresholds(Live& live);
  void Trip(Live& live, std::string_view threshold, int batch, double value, double limit);
  // Admits what the rollout allows now; starts the next batch or completes the campaign.
  void Step(Live& live);
  // Creates the operations of members already marked planned (and written).
  void CreateOperations(Live& live, const std::vector<core::DeviceId>& planned);
  void ChangeState(Live& live, State to, std::string_view kind, std::string details_json);
  // Abort's work: queued members skipped, unfinished operations cancelled.
  void StopWork(Live& live, const core::Actor& actor);
  // Reads the campaign's operations from the store and takes their states.
  core::Result<void> Resync(Live& live);
  // Adds devices that match a continuous campaign's selector and are not members yet.
  void Rescan(Live& live);
  // Writes dirty members, the new timeline and the state; publishes campaign.updated.
  void Flush(Live& live, std::optional<core::AuditEntry> audit = std::nullopt);

  // ---- manager.cc
  core::Result<std::vector<core::DeviceId>> Resolve(const Spec& spec);
  int StageOf(const Live& live, const core::Device& device) const;
  void AddMember(Live& live, core::CampaignMember member);
  CampaignView ViewOf(const Live& live) const;
  core::Result<CampaignView> StoredView(const core::CampaignRecord& record);
  void Publish(const char* type, const CampaignView& view);
  core::Result<CampaignView> Control(const core::Actor& actor, std::int64_t id,
                                     std::string_view action);
  void TakeEvents();
  void PollLocked();
  void DriverLoop();

  ManagerServices services_;
  ManagerOptions options_;
  core::Actor system_{0, "campaign", core::Role::kAdmin};

  std::mutex mu_;
  std::map<std::int64_t, std::unique_ptr<Live>> live_;
  std::shared_ptr<core::EventSubscription> events_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread driver_;
};

}  // namespace custos::campaign
