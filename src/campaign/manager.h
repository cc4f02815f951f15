// The campaign driver: creates campaigns, admits their devices per the rollout, follows their
// operations and trips thresholds. Include campaign/campaign.h, not this header.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "campaign/spec.h"
#include "core/core.h"
#include "ops/ops.h"

namespace custos::campaign {

struct ManagerServices {
  core::Store& store;
  core::Registry& registry;
  core::EventBus& events;
  core::Clock& clock;
  ops::Engine& engine;
};

struct ManagerOptions {
  // With a driver thread the manager acts on its own (at least every driver_tick_ms, and
  // whenever an operation of a campaign moves); without one the caller calls Poll().
  bool driver_thread = true;
  int driver_tick_ms = 1000;
  // A continuous campaign looks for new matching devices this often, and after any device or
  // group event.
  std::int64_t rescan_ms = 60'000;
};

// A campaign as the API shows it.
struct CampaignView {
  core::CampaignRecord record;
  Spec spec;
  State state = State::kRunning;
  std::map<std::string, std::int64_t> counts;  // members by outcome
  std::int64_t total = 0;                      // members
  int batches_started = 0;
  std::vector<core::CampaignEvent> timeline;  // filled by Get only
};

class Manager {
 public:
  Manager(ManagerServices services, ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Loads the campaigns that are not finished, reconciles their members with the operations
  // the store holds (a member planned before a crash gets the operation already made for it,
  // if any, never a second one), and starts the driver thread if configured. Call after the
  // engine's Start. kUnavailable if the store cannot be read.
  core::Result<void> Start();
  // Stops the driver thread. Idempotent.
  void Stop();

  // Resolves the selector, stores the campaign running with its devices queued (published as
  // campaign.created, audited as campaign.create) and admits its first devices.
  // kInvalidArgument for a bad filter; kNotFound for an unknown group.
  core::Result<CampaignView> Create(const core::Actor& actor, Spec spec);
  // kNotFound for an unknown id.
  core::Result<CampaignView> Get(std::int64_t id);
  core::Result<std::vector<CampaignView>> List(std::int64_t after, std::size_t limit);
  core::Result<std::vector<core::CampaignMember>> Members(std::int64_t id, core::DeviceId after,
                                                          std::size_t limit);
  // Manual control, audited as campaign.pause|resume|abort. Pause stops admitting devices
  // (operations under way go on); resume admits again; abort stops for good and cancels the
  // campaign's unfinished operations. kFailedPrecondition when the state does not allow it.
  core::Result<CampaignView> Pause(const core::Actor& actor, std::int64_t id);
  core::Result<CampaignView> Resume(const core::Actor& actor, std::int64_t id);
  core::Result<CampaignView> Abort(const core::Actor& actor, std::int64_t id);

  // Takes in operation events, then admits what the rollout allows by the clock.
  void Poll();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::campaign
