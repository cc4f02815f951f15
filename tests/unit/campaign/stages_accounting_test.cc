// Dependency stages, accounting with retries, and restarts that resume without doubling work.
#include "fixture.h"

namespace custos::campaign::testing {
namespace {

using ops::DeviceOutcome;

TEST_F(CampaignTest, GatewaysStartOnlyWhenTheDevicesBehindThemAreFinal) {
  auto gateways = CreateDevices(2, "dev-gw", {{"role", "gateway"}});
  auto sensors = CreateDevices(3, "dev-sensor", {{"role", "sensor"}});
  const std::int64_t id = Launch(
      MakeSpec(R"({"batch_size":10})", "{}", R"(,"order_by":["labels.role != \"gateway\""])"));
  auto first = deliverer_.TakeSent();
  ASSERT_EQ(first.size(), 3u) << "the stage of sensors alone";
  for (const auto& op : first) {
    EXPECT_TRUE(std::count(sensors.begin(), sensors.end(), op.device_id)) << op.device_id;
  }
  FinishAll({first.begin(), first.begin() + 2}, DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  Finish(first[2], DeviceOutcome::kFailed);
  Poll();
  auto second = deliverer_.TakeSent();
  ASSERT_EQ(second.size(), 2u);
  for (const auto& op : second) {
    EXPECT_TRUE(std::count(gateways.begin(), gateways.end(), op.device_id)) << op.device_id;
  }
  EXPECT_EQ(View(id).batches_started, 2);
}

TEST_F(CampaignTest, ARetriedDeviceCountsOnce) {
  CreateDevices(2);
  deliverer_.reachable_ = true;
  const std::int64_t id = Launch(MakeSpec("{}"));
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  // The first device's delivery fails twice and is retried by the engine.
  for (int i = 0; i < 2; ++i) {
    engine_->OnUndelivered(sent[0].device_id, sent[0].id,
                           core::Error{core::ErrorCode::kUnavailable, "gone", std::nullopt});
    clock_.Advance(5'000);
    Poll();
  }
  auto retries = deliverer_.TakeSent();
  int retried = 0;
  for (const auto& op : retries) {
    if (op.device_id != sent[0].device_id) continue;
    ++retried;
    EXPECT_EQ(op.id, sent[0].id) << "the same operation, again";
  }
  EXPECT_GE(retried, 2);
  Finish(sent[0], DeviceOutcome::kSucceeded);
  Finish(sent[1], DeviceOutcome::kSucceeded);
  Poll();
  CampaignView view = View(id);
  EXPECT_EQ(view.counts["succeeded"], 2);
  EXPECT_EQ(view.counts.size(), 1u);
  EXPECT_EQ(view.state, State::kCompleted);
  EXPECT_EQ(Operations(id).size(), 2u);
  auto stored = store_->GetOperation(sent[0].id);
  ASSERT_TRUE(stored);
  EXPECT_GE(stored->attempts, 3);
}

TEST_F(CampaignTest, RestartResumesWhereItWas) {
  CreateDevices(6);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":2})"));
  auto first = deliverer_.TakeSent();
  FinishAll(first, DeviceOutcome::kSucceeded);
  Poll();
  auto second = deliverer_.TakeSent();
  ASSERT_EQ(second.size(), 2u);
  Finish(second[0], DeviceOutcome::kSucceeded);
  // Dies before the manager saw that result.
  Restart();
  Poll();
  EXPECT_EQ(Operations(id).size(), 4u) << "nothing new while the batch is under way";
  CampaignView view = View(id);
  EXPECT_EQ(view.state, State::kRunning);
  EXPECT_EQ(view.counts["succeeded"], 3);
  EXPECT_EQ(view.counts["queued"], 2);
  Finish(second[1], DeviceOutcome::kSucceeded);
  deliverer_.TakeSent();
  Poll();
  auto third = deliverer_.TakeSent();
  ASSERT_EQ(third.size(), 2u);
  FinishAll(third, DeviceOutcome::kSucceeded);
  Poll();
  view = View(id);
  EXPECT_EQ(view.state, State::kCompleted);
  EXPECT_EQ(view.counts["succeeded"], 6);
  EXPECT_EQ(Operations(id).size(), 6u);
}

TEST_F(CampaignTest, ACrashBetweenPlanningAndCreatingNeverDoublesAnOperation) {
  auto devices = CreateDevices(3);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":1})"));
  auto first = deliverer_.TakeSent();
  ASSERT_EQ(first.size(), 1u);
  // As if the process died after writing two members planned: one after its operation was
  // created (the member row still says planned, without the operation), one before.
  std::vector<core::DeviceId> rest;
  for (auto d : devices) {
    if (d != first[0].device_id) rest.push_back(d);
  }
  ops::OperationRequest request;
  request.device_id = rest[0];
  request.campaign_id = id;
  ASSERT_TRUE(engine_->Create(actor_, request));
  std::vector<core::CampaignMember> planned;
  for (auto d : rest) {
    core::CampaignMember m;
    m.campaign_id = id;
    m.device_id = d;
    m.batch = 0;
    m.outcome = "planned";
    planned.push_back(m);
  }
  ASSERT_TRUE(store_->SaveCampaignMembers(planned));
  Restart();
  auto ops = Operations(id);
  ASSERT_EQ(ops.size(), 3u) << "one operation per device";
  std::set<core::DeviceId> devices_with_ops;
  for (const auto& op : ops) devices_with_ops.insert(op.device_id);
  EXPECT_EQ(devices_with_ops.size(), 3u);
  CampaignView view = View(id);
  EXPECT_EQ(view.counts["planned"], 0);
  EXPECT_EQ(view.total, 3);
  auto members = manager_->Members(id, 0, 100);
  ASSERT_TRUE(members);
  for (const auto& m : *members) EXPECT_TRUE(m.operation_id) << m.device_id;
}

}  // namespace
}  // namespace custos::campaign::testing
