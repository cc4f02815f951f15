// The engine's deliveries: sending, device reports, waiting for contact, schedules, retries
// with back-off, deadlines.
#include "fixture.h"

namespace custos::ops::testing {
namespace {

using core::OperationKind;
using core::OperationState;
using Strings = std::vector<std::string>;

TEST_F(EngineTest, RebootIsSentToAReachableDeviceAndEndsWithTheDevicesResult) {
  auto op = Create(OperationKind::kReboot);
  EXPECT_EQ(op.state, OperationState::kSent);
  EXPECT_EQ(op.attempts, 1);
  EXPECT_EQ(op.requested_by, "alice");
  EXPECT_EQ(op.deadline, kStart + 3'600'000);
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, op.id);

  engine_->OnDelivered(device_.id, op.id);
  EXPECT_FALSE(Stored(op.id).next_attempt_at);
  engine_->OnProgress(device_.id, op.id, R"({"progress":40})");
  EXPECT_EQ(StateOf(op.id), "in_progress");
  EXPECT_EQ(Stored(op.id).result_json, R"({"progress":40})");
  engine_->OnResult(device_.id, op.id, DeviceOutcome::kSucceeded, R"({"uptime":1})");
  auto done = Stored(op.id);
  EXPECT_EQ(done.state, OperationState::kSucceeded);
  EXPECT_EQ(done.result_json, R"({"uptime":1})");
  EXPECT_EQ(Events(), (Strings{"operation.created pending", "operation.updated sent",
                               "operation.updated sent", "operation.updated in_progress",
                               "operation.updated succeeded"}));
}

TEST_F(EngineTest, DeviceOutcomesMapToFailedAndRejected) {
  auto a = Create(OperationKind::kConfigure);
  auto b = Create(OperationKind::kCustom);
  engine_->OnResult(device_.id, a.id, DeviceOutcome::kFailed, R"({"message":"no"})");
  engine_->OnResult(device_.id, b.id, DeviceOutcome::kRejected, "{}");
  EXPECT_EQ(StateOf(a.id), "failed");
  EXPECT_EQ(StateOf(b.id), "rejected");
}

TEST_F(EngineTest, AnotherDevicesReportIsIgnored) {
  auto other = CreateDevice("pump-2");
  auto op = Create(OperationKind::kReboot);
  engine_->OnResult(other.id, op.id, DeviceOutcome::kSucceeded, "{}");
  engine_->OnProgress(other.id, op.id, "{}");
  EXPECT_EQ(StateOf(op.id), "sent");
}

TEST_F(EngineTest, OfflineDeviceGetsItsOperationsInOrderOnContact) {
  deliverer_.SetReachable(device_.id, false);
  auto first = Create(OperationKind::kConfigure);
  auto second = Create(OperationKind::kCustom);
  EXPECT_EQ(StateOf(first.id), "waiting:offline");
  EXPECT_EQ(StateOf(second.id), "waiting:offline");
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  engine_->OnContact(device_.id);  // not reachable yet: still held
  EXPECT_EQ(StateOf(first.id), "waiting:offline");

  deliverer_.SetReachable(device_.id, true);
  engine_->OnContact(device_.id);
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].id, first.id);
  EXPECT_EQ(sent[1].id, second.id);
  EXPECT_EQ(StateOf(first.id), "sent");
}

TEST_F(EngineTest, ScheduledOperationWaitsForItsTime) {
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kReboot;
  r.schedule_at = kStart + 60'000;
  auto op = CreateRequest(r);
  EXPECT_EQ(op.state, OperationState::kScheduled);
  clock_.Advance(59'999);
  engine_->Poll();
  EXPECT_EQ(StateOf(op.id), "scheduled");
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  clock_.Advance(1);
  engine_->Poll();
  EXPECT_EQ(StateOf(op.id), "sent");
  EXPECT_EQ(deliverer_.TakeSent().size(), 1u);
}

TEST_F(EngineTest, UndeliveredOperationIsRetriedWithBackOffThenFails) {
  auto op = Create(OperationKind::kReboot);
  ASSERT_EQ(deliverer_.TakeSent().size(), 1u);
  engine_->OnUndelivered(device_.id, op.id, core::Error{core::ErrorCode::kNotFound, "no session"});
  EXPECT_EQ(Stored(op.id).next_attempt_at, kStart + 1'000);

  clock_.Advance(999);
  engine_->Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  clock_.Advance(1);  // 1 s after the first attempt
  engine_->Poll();
  auto second = deliverer_.TakeSent();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempts, 2);
  EXPECT_EQ(Stored(op.id).next_attempt_at, kStart + 1'000 + 2'000);

  clock_.Advance(1'999);
  engine_->Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  clock_.Advance(1);  // 2 s after the second
  engine_->Poll();
  EXPECT_EQ(deliverer_.TakeSent().at(0).attempts, 3);
  clock_.Advance(4'000);  // 4 s after the third
  engine_->Poll();
  EXPECT_EQ(deliverer_.TakeSent().at(0).attempts, 4);
  clock_.Advance(4'000);  // the maximum, 4 s; max_attempts reached
  engine_->Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  auto failed = Stored(op.id);
  EXPECT_EQ(failed.state, OperationState::kFailed);
  EXPECT_EQ(failed.result_json, R"({"reason":"not delivered after 4 attempts"})");
}

TEST_F(EngineTest, DeliveredOperationIsNotSentAgain) {
  auto op = Create(OperationKind::kReboot);
  deliverer_.TakeSent();
  engine_->OnDelivered(device_.id, op.id);
  clock_.Advance(60'000);
  engine_->Poll();
  engine_->OnContact(device_.id);
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  EXPECT_EQ(StateOf(op.id), "sent");
}

TEST_F(EngineTest, ContactRetriesAnUndeliveredOperationAtOnce) {
  auto op = Create(OperationKind::kReboot);
  deliverer_.TakeSent();
  engine_->OnContact(device_.id);
  auto again = deliverer_.TakeSent();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, op.id);
  EXPECT_EQ(again[0].attempts, 2);
}

TEST_F(EngineTest, DeadlineTimesOutWaitingAndSentOperations) {
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kReboot;
  r.timeout_ms = 30'000;
  auto sent = CreateRequest(r);
  engine_->OnDelivered(device_.id, sent.id);
  auto other = CreateDevice("pump-2");
  r.device_id = other.id;  // offline: waits
  r.timeout_ms.reset();
  r.deadline = kStart + 20'000;
  auto held = CreateRequest(r);
  EXPECT_EQ(StateOf(held.id), "waiting:offline");

  clock_.Advance(20'000);
  engine_->Poll();
  EXPECT_EQ(StateOf(held.id), "timed_out");
  EXPECT_EQ(StateOf(sent.id), "sent");
  clock_.Advance(10'000);
  engine_->Poll();
  EXPECT_EQ(StateOf(sent.id), "timed_out");
  // It was out on the device: its deliverer is told.
  EXPECT_EQ(deliverer_.cancelled(), std::vector<std::int64_t>{sent.id});
}

}  // namespace
}  // namespace custos::ops::testing
