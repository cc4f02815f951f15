// The engine's state and steps. Internal to the ops module: engine.cc (lifecycle, requests),
// engine_steps.cc (the state machine), engine_reports.cc (what deliverers report).
//
// Every member function whose name ends in Locked runs with mu_ held. Deliverers are never
// called with mu_ held: steps collect what to deliver in Actions, and the caller runs them
// after unlocking (RunActions).
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ops/ops.h"
#include "ops/policy.h"

namespace custos::ops {

class Engine::Impl {
 public:
  Impl(EngineServices services, EngineOptions options) : services_(services), options_(options) {}

  // A call to a deliverer, made after mu_ is released.
  struct Action {
    Deliverer* deliverer = nullptr;
    core::Operation op;
    core::Device device;
    bool cancel = false;  // Deliverer::Cancel instead of Deliver
  };
  using Actions = std::vector<Action>;

  static void RunActions(const Actions& actions);

  // Checks what Create and CreateBulk check of a request alone; returns its parameters.
  core::Result<boost::json::value> CheckRequest(const core::Actor& actor,
                                                const OperationRequest& request, core::TimeMs now);

  // The operation `request` asks for, with its checked `parameters` (JSON text), as created
  // by `actor` at `now`.
  core::Operation NewOperation(const core::Actor& actor, const OperationRequest& request,
                               std::string parameters, core::TimeMs now) const;
  // Stores `batch` (one transaction, with `audit`), keeps and publishes each operation, and
  // leaves them to the driver to step (with `on_conflict`). Returns them as stored.
  core::Result<std::vector<core::Operation>> StoreForDriver(std::vector<core::Operation> batch,
                                                            core::AuditEntry audit,
                                                            OnConflict on_conflict);

  // The device as the guards must see it: the stored record with the live connectivity.
  core::Result<core::Device> LoadDevice(core::DeviceId id) const;
  Deliverer* DelivererFor(const core::Device& device) const;

  void TrackLocked(const core::Operation& op);
  // The earliest instant at which the clock alone makes `op` due (its deadline, its schedule,
  // its retry, the opening of the window it waits for); max when none.
  core::TimeMs DueAtLocked(const core::Operation& op) const;
  // PollLocked walks the operations for due ones only from `at` on.
  void NoteDueLocked(core::TimeMs at) { next_scan_at_ = std::min(next_scan_at_, at); }
  void UntrackLocked(std::int64_t id);
  // Stores `next` if the stored state is still `from`, then keeps it in memory (or drops it
  // when final) and publishes `event_type`. On a lost compare-and-set the stored operation
  // replaces the one in memory. Returns the stored operation, or nullopt when not stored.
  std::optional<core::Operation> PersistLocked(core::Operation next, core::OperationState from,
                                               std::optional<core::AuditEntry> audit = {},
                                               const char* event_type = "operation.updated");
  void PublishLocked(const char* type, const core::Operation& op);

  // Moves a pending, scheduled or waiting operation as far as it can go now.
  void StepLocked(std::int64_t id, Actions& actions, OnConflict on_conflict = OnConflict::kWait);
  // Steps every held (pending, scheduled, waiting) operation of the device, oldest first.
  void StepDeviceLocked(core::DeviceId device, Actions& actions);
  // Sends (or sends again) an operation: an attempt more, a retry time, then Deliver.
  void SendLocked(const core::Operation& op, const core::Device& device, Deliverer* deliverer,
                  Actions& actions);
  // Sends a sent operation again if its device can be reached now.
  void ResendLocked(const core::Operation& op, Actions& actions);
  // enable / disable, done here through the Registry.
  void RunServerSideLocked(const core::Operation& op, const core::Device& device, Actions& actions);
  // Ends an operation in final state `to` with `result_json`; tells the deliverer when it
  // was out on the device, then lets the device's next operations go.
  std::optional<core::Operation> FinishLocked(const core::Operation& op, core::OperationState to,
                                              std::string result_json, Actions& actions,
                                              std::optional<core::AuditEntry> audit = {});
  // Deadlines, schedules and retries that have fallen due; devices that reported.
  void PollLocked(Actions& actions);
  // Records a device's result for an operation that already ended (cancelled, timed out).
  void RecordLateResultLocked(core::DeviceId device, std::int64_t id, DeviceOutcome outcome,
                              const std::string& result_json);
  // The operation in memory if it belongs to `device`, else null.
  const core::Operation* FindLocked(core::DeviceId device, std::int64_t id) const;

  // The maintenance windows as last read (refreshed when older than kWindowsMaxAgeMs by the
  // steady clock, or after MaintenanceWindowsChanged).
  struct WindowCache {
    bool loaded = false;
    std::chrono::steady_clock::time_point loaded_at;
    std::map<core::MaintenanceWindowId, WindowSchedule> schedules;
    std::map<core::GroupId, std::vector<core::MaintenanceWindowId>> by_group;
    // Dynamic groups with windows attached: their filter and windows.
    std::vector<std::pair<core::filter::Expr, std::vector<core::MaintenanceWindowId>>> dynamic;
  };
  static constexpr std::int64_t kWindowsMaxAgeMs = 5000;
  void LoadWindowsLocked();
  // Whether the maintenance windows that apply to `op` on `device` hold it now. When they do,
  // `opens_at` is set to their next opening (unset: none within ten years).
  bool WindowsHoldLocked(const core::Operation& op, const core::Device& device,
                         std::optional<core::TimeMs>& opens_at);
  // Steps up to `limit` operations created in bulk and not yet taken up; true if some remain.
  bool StepBulkLocked(std::size_t limit, Actions& actions);
  static constexpr std::size_t kBulkStepsPerPoll = 2000;

  void DriverLoop();
  void Wake();

  // ---- batches (engine_batch.cc)
  // Between BeginBatchLocked and CommitBatchLocked PersistLocked does not write: it keeps the
  // transition in memory at once, as if stored, and queues it. CommitBatchLocked stores the
  // queue in one transaction, then publishes each stored transition; a transition that was
  // not stored is undone in memory (RecoverLocked) and the actions on its operation are
  // dropped, so that nothing is acted on before it is stored. Never spans an unlock of mu_.
  struct Deferred {
    core::OperationUpdate update;
    std::optional<core::Operation> before;  // in memory before it, if it was there
    const char* event_type = "operation.updated";
  };
  void BeginBatchLocked() { batching_ = true; }
  void CommitBatchLocked(Actions& actions);
  // After a transition of operation `id` was not stored: memory takes the stored operation
  // (or drops it: deleted, final), or `before` when the store cannot be read either.
  void RecoverLocked(std::int64_t id, const core::Error& error,
                     const std::optional<core::Operation>& before);
  // One driver round: the reports queued, then PollLocked, in one batch.
  void RoundLocked(Actions& actions);

  // ---- reports (engine_reports.cc)
  struct Reported {
    enum Kind { kDelivered, kProgress, kResult, kContact } kind = kContact;
    core::DeviceId device = 0;
    std::int64_t operation_id = 0;
    DeviceOutcome outcome = DeviceOutcome::kSucceeded;
    std::string json;  // progress details or result
  };
  // Queues `report` for the driver (while it runs) or takes it up at once.
  void Report(Reported report);
  // Takes up every queued report; ReportsStored, once their batch is stored, tells
  // SyncReports.
  void TakeReportsLocked(Actions& actions);
  void ReportsStored();
  void ApplyLocked(Reported report, Actions& actions);
  void DeliveredLocked(core::DeviceId device, std::int64_t operation_id);
  void ProgressLocked(core::DeviceId device, std::int64_t operation_id, std::string details_json);
  void ResultLocked(core::DeviceId device, std::int64_t operation_id, DeviceOutcome outcome,
                    std::string result_json, Actions& actions);
  void ContactLocked(core::DeviceId device, Actions& actions);

  EngineServices services_;
  EngineOptions options_;
  std::map<std::string, Deliverer*, std::less<>> deliverers_;

  std::mutex mu_;
  std::map<std::int64_t, core::Operation> active_;              // every operation not final
  std::map<core::DeviceId, std::set<std::int64_t>> by_device_;  // ids of active_, by device
  std::set<std::int64_t> resend_on_contact_;  // sent before a restart: delivered again
  WindowCache windows_;
  // Operations waiting for a maintenance window, and when it opens (absent: not known yet).
  std::map<std::int64_t, core::TimeMs> window_opens_at_;
  // When PollLocked next walks active_: the earliest due instant known (each operation stored
  // or held lowers it), so that device reports, which wake the driver, cost no walk of
  // 100,000 operations each.
  core::TimeMs next_scan_at_ = 0;
  // Created in bulk, not yet stepped, with what a conflict does to each.
  std::map<std::int64_t, OnConflict> bulk_unstepped_;
  bool started_ = false;
  std::shared_ptr<core::EventSubscription> device_events_;

  bool batching_ = false;
  std::vector<Deferred> deferred_;

  // Reports for the driver. Counters: queued so far, taken by the round in progress, stored.
  std::atomic<bool> queue_reports_{false};
  std::mutex inbox_mu_;  // taken after mu_, never before it
  std::condition_variable reports_cv_;
  std::vector<Reported> inbox_;
  std::uint64_t reports_queued_ = 0;
  std::uint64_t reports_taking_ = 0;
  std::uint64_t reports_stored_ = 0;
  bool reports_closed_ = false;  // stopped: SyncReports waits no more

  std::atomic<bool> stopping_{false};
  std::mutex wake_mu_;  // never taken while waiting for mu_ (the notifier runs under the bus)
  std::condition_variable wake_cv_;
  bool wake_ = false;
  std::thread driver_;
};

// {"reason": text} as JSON text.
std::string ReasonJson(std::string_view reason);

}  // namespace custos::ops
