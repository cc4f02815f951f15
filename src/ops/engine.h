// The operations engine: every operation's state machine, per-device queues and guards.
// Include ops/ops.h, not this header.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/core.h"
#include "ops/deliverer.h"

namespace custos::ops {

// What a caller wants when a disruptive operation finds another one ahead of it.
enum class OnConflict { kWait, kReject };
std::optional<OnConflict> ParseOnConflict(std::string_view text);  // "wait", "reject"

// Disruptive kinds hold the device's exclusive lock: reboot, factory_reset, firmware_update.
bool IsDisruptive(core::OperationKind kind);

struct OperationRequest {
  core::DeviceId device_id = 0;
  core::OperationKind kind = core::OperationKind::kReboot;
  std::string parameters_json = "{}";       // a JSON object's text
  std::optional<core::TimeMs> deadline;     // absolute; wins over timeout_ms
  std::optional<std::int64_t> timeout_ms;   // from creation; unset: the engine's default
  std::optional<core::TimeMs> schedule_at;  // not delivered before
  OnConflict on_conflict = OnConflict::kWait;
  std::optional<int> battery_threshold;  // firmware_update, 0..100; unset: the default
  std::optional<std::int64_t> campaign_id;
  // Maintenance windows of its own (besides those of the device's groups): it is delivered
  // only while one of them is open. Each must exist.
  std::vector<std::int64_t> window_ids;
  // No maintenance window holds it. Admin role only.
  bool ignore_maintenance_windows = false;
};

// The devices a bulk request runs over: the members of a group (static or dynamic) or those
// a filter selects. Exactly one of the two.
struct BulkSelector {
  std::optional<core::GroupId> group;
  std::string filter;
};

// What a bulk request did: operations created, devices skipped by reason ("retired",
// "unsupported_kind").
struct BulkOutcome {
  std::int64_t selected = 0;
  std::int64_t created = 0;
  std::map<std::string, std::int64_t> skipped;
};

struct EngineOptions {
  std::int64_t default_timeout_ms = 24LL * 3600 * 1000;  // operations.default_timeout_s
  int max_attempts = 5;                                  // operations.max_attempts
  std::int64_t retry_initial_ms = 10'000;                // operations.retry_initial_s
  std::int64_t retry_max_ms = 15LL * 60 * 1000;          // back-off doubles up to this
  int battery_threshold = 20;                            // operations.battery_threshold
  // With a driver thread the engine acts on its own when something falls due (by the
  // clock it was given, polled at least every `driver_tick_ms`); without one (unit tests
  // with a fake clock) the caller calls Poll(). With a driver thread, what deliverers report
  // is queued and taken up by the driver, many reports to one transaction, so that a
  // protocol thread never waits for the disk; without one, a report is taken up at once.
  bool driver_thread = true;
  int driver_tick_ms = 1000;
};

struct EngineServices {
  core::Store& store;
  core::Registry& registry;
  core::EventBus& events;
  core::Clock& clock;
};

class Engine final : public DeliveryListener {
 public:
  Engine(EngineServices services, EngineOptions options);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Registers the deliverer of a protocol (which must outlive the engine). Before Start.
  void AddDeliverer(Deliverer& deliverer);

  // Loads the operations that are not final and takes them up where they were: a sent one
  // is delivered again (same id) at the device's next contact; what is due is done. Starts
  // the driver thread if configured. kUnavailable if the store cannot be read.
  core::Result<void> Start();
  // Stops the driver thread; later calls from adapters are ignored. Idempotent.
  void Stop();

  // Creates an operation (persisted pending, published as operation.created) and takes it as
  // far as it can go now. kNotFound for an unknown device; kInvalidArgument for bad
  // parameters, threshold, times or window ids; kPermissionDenied for
  // ignore_maintenance_windows asked by anyone but an admin; kFailedPrecondition for a retired
  // device or a kind the device's protocol cannot carry. A disruptive operation that finds
  // another one ahead of it waits ("exclusive_lock") or, with OnConflict::kReject, is stored as
  // rejected with the reason in its result. Audited as operation.create.
  core::Result<core::Operation> Create(const core::Actor& actor, OperationRequest request);
  // One operation like `request` (its device_id ignored) for every device `selector`
  // selects, stored in batches of one transaction each; retired devices and devices whose
  // protocol cannot carry the kind are skipped and counted. With `dry_run` nothing is
  // created: the answer says what would be. The operations are taken up by the driver (or
  // Poll) after the answer. The request is checked as Create checks it (kInvalidArgument,
  // kPermissionDenied); kNotFound for an unknown group. Audited as operation.bulk per batch.
  core::Result<BulkOutcome> CreateBulk(const core::Actor& actor, const BulkSelector& selector,
                                       OperationRequest request, bool dry_run);
  // One operation per request, each checked as Create checks it, stored in batches of one
  // transaction each and taken up by the driver afterwards (not before the answer, unlike
  // Create). The answer holds, in the order of `requests`, each one's operation as stored or
  // why it was not created (Create's errors; kUnavailable when its batch could not be
  // stored). Audited as operation.create per batch.
  std::vector<core::Result<core::Operation>> CreateMany(const core::Actor& actor,
                                                        std::vector<OperationRequest> requests);
  // Maintenance windows or their attachments changed: the engine reads them again and looks
  // again at the operations they hold. (It also reads them again every few seconds.)
  void MaintenanceWindowsChanged();
  // kNotFound for an unknown id.
  core::Result<core::Operation> Get(std::int64_t id);
  core::Result<core::OperationPage> List(const core::OperationQuery& query);
  // Cancels an operation that is not final (kConflict for a final one, kNotFound for an
  // unknown one); one already sent is cancelled too and its deliverer told. Audited as
  // operation.cancel.
  core::Result<core::Operation> Cancel(const core::Actor& actor, std::int64_t id);

  // Does what has fallen due by the clock: schedules reached, retries, deadlines.
  void Poll();

  // DeliveryListener.
  void OnDelivered(core::DeviceId device, std::int64_t operation_id) override;
  void OnUndelivered(core::DeviceId device, std::int64_t operation_id,
                     const core::Error& why) override;
  void OnProgress(core::DeviceId device, std::int64_t operation_id,
                  std::string details_json) override;
  void OnResult(core::DeviceId device, std::int64_t operation_id, DeviceOutcome outcome,
                std::string result_json) override;
  void OnContact(core::DeviceId device) override;
  void SyncReports() override;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::ops
