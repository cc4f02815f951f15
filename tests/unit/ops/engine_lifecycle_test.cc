// The engine's requests (validation, enable and disable, cancel) and its restart.
#include "fixture.h"

namespace custos::ops::testing {
namespace {

using core::ErrorCode;
using core::OperationKind;
using core::OperationState;

TEST_F(EngineTest, CreateRefusesWhatCannotBeDone) {
  OperationRequest r;
  r.device_id = 999;
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kNotFound);
  r.device_id = device_.id;
  r.kind = OperationKind::kRead;  // the fake deliverer's protocol cannot carry it
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kFailedPrecondition);
  r.kind = OperationKind::kReboot;
  r.parameters_json = "[1]";
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kInvalidArgument);
  r.parameters_json = "{}";
  r.battery_threshold = 101;
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kInvalidArgument);
  r.battery_threshold.reset();
  r.deadline = kStart;
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kInvalidArgument);
  r.deadline.reset();

  auto unknown = CreateDevice("gadget", "");
  r.device_id = unknown.id;  // no protocol, no deliverer
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kFailedPrecondition);

  ASSERT_TRUE(registry_->RetireDevice(operator_, device_.id, "gone"));
  r.device_id = device_.id;
  EXPECT_EQ(engine_->Create(operator_, r).error().code, ErrorCode::kFailedPrecondition);
  core::OperationQuery all;
  EXPECT_TRUE(store_->ListOperations(all)->operations.empty());
}

TEST_F(EngineTest, CreateIsAudited) {
  auto op = Create(OperationKind::kReboot);
  core::AuditQuery q;
  q.target_type = "operation";
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "operation.create");
  EXPECT_EQ((*audit)[0].actor, "alice");
  EXPECT_EQ((*audit)[0].target_id, std::to_string(op.id));
}

TEST_F(EngineTest, DisableAndEnableAreDoneByTheServer) {
  auto other = CreateDevice("pump-2");  // offline: no matter
  OperationRequest r;
  r.device_id = other.id;
  r.kind = OperationKind::kDisable;
  auto disable = CreateRequest(r);
  EXPECT_EQ(disable.state, OperationState::kSucceeded) << disable.result_json;
  EXPECT_EQ(registry_->GetDevice(other.id)->state, core::LifecycleState::kDisabled);
  r.kind = OperationKind::kEnable;
  EXPECT_EQ(CreateRequest(r).state, OperationState::kSucceeded);
  // A device never seen goes back to provisioned.
  EXPECT_EQ(registry_->GetDevice(other.id)->state, core::LifecycleState::kProvisioned);
  EXPECT_EQ(CreateRequest(r).result_json, R"({"reason":"the device was already enabled"})");
  EXPECT_TRUE(deliverer_.TakeSent().empty());
}

TEST_F(EngineTest, CancelEndsAnythingNotFinalAndRecordsALateResult) {
  deliverer_.SetReachable(device_.id, false);
  auto held = Create(OperationKind::kConfigure);
  auto cancelled = engine_->Cancel(operator_, held.id);
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->state, OperationState::kCancelled);
  EXPECT_EQ(cancelled->result_json, R"({"reason":"cancelled by alice"})");

  deliverer_.SetReachable(device_.id, true);
  auto sent = Create(OperationKind::kReboot);
  ASSERT_TRUE(engine_->Cancel(operator_, sent.id));
  EXPECT_EQ(deliverer_.cancelled(), std::vector<std::int64_t>{sent.id});
  engine_->OnResult(device_.id, sent.id, DeviceOutcome::kSucceeded, R"({"uptime":3})");
  auto after = Stored(sent.id);
  EXPECT_EQ(after.state, OperationState::kCancelled);
  EXPECT_EQ(
      after.result_json,
      R"({"reason":"cancelled by alice","late_result":{"state":"succeeded","details":{"uptime":3}}})");

  auto again = engine_->Cancel(operator_, sent.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(engine_->Cancel(operator_, 4242).error().code, ErrorCode::kNotFound);

  core::AuditQuery q;
  q.action_prefix = "operation.cancel";
  EXPECT_EQ(store_->ListAudit(q)->size(), 2u);
}

TEST_F(EngineTest, RestartSendsASentOperationAgainWithTheSameIdOnContact) {
  auto sent = Create(OperationKind::kReboot);
  engine_->OnDelivered(device_.id, sent.id);
  deliverer_.SetReachable(device_.id, false);
  auto held = Create(OperationKind::kConfigure);
  ASSERT_EQ(StateOf(held.id), "waiting:offline");
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kCustom;
  r.schedule_at = kStart + 10'000;
  auto later = CreateRequest(r);

  Restart();  // the device is not reachable after it
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  EXPECT_EQ(StateOf(sent.id), "sent");
  EXPECT_EQ(StateOf(held.id), "waiting:offline");
  EXPECT_EQ(StateOf(later.id), "scheduled");

  deliverer_.SetReachable(device_.id, true);
  engine_->OnContact(device_.id);
  auto again = deliverer_.TakeSent();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].id, sent.id);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[1].id, held.id);
  // A second contact does not send them again once delivered.
  engine_->OnDelivered(device_.id, sent.id);
  engine_->OnDelivered(device_.id, held.id);
  engine_->OnContact(device_.id);
  EXPECT_TRUE(deliverer_.TakeSent().empty());

  clock_.Advance(10'000);
  engine_->Poll();
  EXPECT_EQ(deliverer_.TakeSent().at(0).id, later.id);
  core::OperationQuery all;
  EXPECT_EQ(store_->ListOperations(all)->operations.size(), 3u);
}

TEST_F(EngineTest, RestartKeepsTheLockOfAnOperationInProgress) {
  auto update = Create(OperationKind::kFirmwareUpdate);
  engine_->OnProgress(device_.id, update.id, "{}");
  Restart();
  deliverer_.SetReachable(device_.id, true);
  auto reboot = Create(OperationKind::kReboot);
  EXPECT_EQ(StateOf(reboot.id), "waiting:exclusive_lock");
  engine_->OnResult(device_.id, update.id, DeviceOutcome::kSucceeded, "{}");
  EXPECT_EQ(StateOf(reboot.id), "sent");
}

}  // namespace
}  // namespace custos::ops::testing
