// Rollout pacing: batch size, batches one after the other, max in flight, rate per minute,
// exponential ramp, completion.
#include "fixture.h"

namespace custos::campaign::testing {
namespace {

using ops::DeviceOutcome;

TEST_F(CampaignTest, BatchesGoOneAfterTheOtherAndTheCampaignCompletes) {
  CreateDevices(7);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":3})"));
  auto first = deliverer_.TakeSent();
  EXPECT_EQ(first.size(), 3u);
  EXPECT_EQ(Count(id, "queued"), 4);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty()) << "the next batch waits for this one";
  FinishAll({first.begin(), first.begin() + 2}, DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty()) << "one operation of the batch is not final";
  Finish(first[2], DeviceOutcome::kSucceeded);
  Poll();
  auto second = deliverer_.TakeSent();
  EXPECT_EQ(second.size(), 3u);
  FinishAll(second, DeviceOutcome::kSucceeded);
  Poll();
  auto third = deliverer_.TakeSent();
  EXPECT_EQ(third.size(), 1u);
  FinishAll(third, DeviceOutcome::kSucceeded);
  Poll();
  CampaignView view = View(id);
  EXPECT_EQ(view.state, State::kCompleted);
  EXPECT_EQ(view.counts["succeeded"], 7);
  EXPECT_EQ(view.total, 7);
  EXPECT_EQ(view.batches_started, 3);
  EXPECT_EQ(TimelineKinds(id),
            (std::vector<std::string>{"created", "batch_started", "batch_started",
                                      "batch_started", "completed"}));
  EXPECT_EQ(Operations(id).size(), 7u);
}

TEST_F(CampaignTest, MaxInFlightBoundsUnfinishedOperations) {
  CreateDevices(10);
  const std::int64_t id = Launch(MakeSpec(R"({"max_in_flight":4})"));
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 4u);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  Finish(sent[0], DeviceOutcome::kSucceeded);
  Finish(sent[1], DeviceOutcome::kFailed);
  Poll();
  EXPECT_EQ(deliverer_.TakeSent().size(), 2u) << "two finished, two more admitted";
  EXPECT_EQ(Count(id, "sent"), 4);
  EXPECT_EQ(Count(id, "queued"), 4);
}

TEST_F(CampaignTest, RatePerMinuteSpacesCreations) {
  CreateDevices(6);
  const std::int64_t id = Launch(MakeSpec(R"({"rate_per_minute":30})"));
  EXPECT_EQ(Operations(id).size(), 1u);
  clock_.Advance(1'000);
  Poll();
  EXPECT_EQ(Operations(id).size(), 1u) << "30 a minute is one every two seconds";
  clock_.Advance(1'000);
  Poll();
  EXPECT_EQ(Operations(id).size(), 2u);
  clock_.Advance(60'000);
  Poll();
  EXPECT_EQ(Operations(id).size(), 3u) << "the bucket holds one second's worth, at least one";
  EXPECT_EQ(Count(id, "queued"), 3);
}

TEST_F(CampaignTest, RampDoublesBatchSizesUpToTheBatchSize) {
  CreateDevices(12);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":4,"ramp_from":1})"));
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 6; ++i) {
    auto sent = deliverer_.TakeSent();
    if (sent.empty()) break;
    sizes.push_back(sent.size());
    FinishAll(sent, DeviceOutcome::kSucceeded);
    Poll();
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 4, 4, 1}));
  EXPECT_EQ(View(id).state, State::kCompleted);
}

TEST_F(CampaignTest, PercentBatchesAreAShareOfTheDevices) {
  CreateDevices(20);
  Launch(MakeSpec(R"({"batch_percent":25})"));
  EXPECT_EQ(deliverer_.TakeSent().size(), 5u);
}

TEST_F(CampaignTest, PauseStopsAdmissionAndResumeGoesOn) {
  CreateDevices(4);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":2})"));
  auto first = deliverer_.TakeSent();
  ASSERT_EQ(first.size(), 2u);
  auto paused = manager_->Pause(actor_, id);
  ASSERT_TRUE(paused) << paused.error().message;
  EXPECT_EQ(paused->state, State::kPaused);
  EXPECT_FALSE(manager_->Pause(actor_, id)) << "already paused";
  FinishAll(first, DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  EXPECT_EQ(Count(id, "succeeded"), 2) << "operations under way go on while paused";
  auto resumed = Resume(id);
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(deliverer_.TakeSent().size(), 2u);
  core::AuditQuery q;
  q.target_type = "campaign";
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit);
  std::vector<std::string> actions;
  for (const auto& e : *audit) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"campaign.resume", "campaign.pause",
                                               "campaign.create"}));
}

TEST_F(CampaignTest, ContinuousCampaignTakesDevicesThatMatchLater) {
  CreateDevices(2);
  const std::int64_t id = Launch(MakeSpec("{}", "{}", R"(,"continuous":true)"));
  FinishAll(deliverer_.TakeSent(), DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_EQ(View(id).state, State::kRunning) << "a continuous campaign does not complete";
  CreateDevices(1, "dev-late");
  CreateDevices(1, "other");
  clock_.Advance(1'000);
  Poll();
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(View(id).total, 3);
}

TEST_F(CampaignTest, CampaignWindowsHoldItsOperationsUntilOneOpens) {
  CreateDevices(3);
  // kStart is 2023-11-14 22:13:20 UTC: a window at 23:00 UTC opens 2,800 s later.
  core::MaintenanceWindow w;
  w.name = "night";
  w.cron = "0 23 * * *";
  w.duration_s = 1800;
  w.time_zone = "UTC";
  core::AuditEntry audit;
  audit.actor = "tester";
  audit.action = "test";
  auto window = store_->CreateMaintenanceWindow(w, audit);
  ASSERT_TRUE(window) << window.error().message;
  auto unknown = manager_->Create(
      actor_, MakeSpec("{}", "{}", R"(,"window_ids":[)" + std::to_string(window->id + 1) + "]"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kInvalidArgument);

  const std::int64_t id =
      Launch(MakeSpec("{}", "{}", R"(,"window_ids":[)" + std::to_string(window->id) + "]"));
  EXPECT_TRUE(deliverer_.TakeSent().empty()) << "outside the campaign's window";
  for (const core::Operation& op : Operations(id)) {
    EXPECT_EQ(op.window_ids, std::vector<std::int64_t>{window->id});
    EXPECT_EQ(op.waiting_for, "maintenance_window");
  }
  clock_.Set(kStart + 2'800'000);
  Poll();
  EXPECT_EQ(deliverer_.TakeSent().size(), 3u);
}

}  // namespace
}  // namespace custos::campaign::testing
