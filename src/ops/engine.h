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
};

struct EngineOptions {
  std::int64_t default_timeout_ms = 24LL * 3600 * 1000;  // operations.default_timeout_s
  int max_attempts = 5;                                  // operations.max_attempts
  std::int64_t retry_initial_ms = 10'000;                // operations.retry_initial_s
  std::int64_t retry_max_ms = 15LL * 60 * 1000;          // back-off doubles up to this
  int battery_threshold = 20;                            // operations.battery_threshold
  // With a driver thread the engine acts on its own when something falls due (by the
  // clock it was given, polled at least every `driver_tick_ms`); without one (unit tests
  // with a fake clock) the caller calls Poll().
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
  // parameters, threshold or times; kFailedPrecondition for a retired device or a kind the
  // device's protocol cannot carry. A disruptive operation that finds another one ahead of
  // it waits ("exclusive_lock") or, with OnConflict::kReject, is stored as rejected with the
  // reason in its result. Audited as operation.create.
  core::Result<core::Operation> Create(const core::Actor& actor, OperationRequest request);
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

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::ops
