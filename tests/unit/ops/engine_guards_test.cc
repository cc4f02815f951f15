// The engine's guards: the per-device exclusive lock (wait or reject) and the battery.
#include "fixture.h"

namespace custos::ops::testing {
namespace {

using core::OperationKind;
using core::OperationState;

TEST_F(EngineTest, RebootWaitsForAFirmwareUpdateInProgressThenGoes) {
  auto update = Create(OperationKind::kFirmwareUpdate);
  engine_->OnProgress(device_.id, update.id, R"({"progress":10})");
  auto reboot = Create(OperationKind::kReboot);
  EXPECT_EQ(StateOf(reboot.id), "waiting:exclusive_lock");
  // A non-disruptive operation is not held by the lock.
  auto configure = Create(OperationKind::kConfigure);
  EXPECT_EQ(StateOf(configure.id), "sent");
  deliverer_.TakeSent();

  engine_->OnResult(device_.id, update.id, DeviceOutcome::kSucceeded, "{}");
  EXPECT_EQ(StateOf(reboot.id), "sent");
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, reboot.id);
}

TEST_F(EngineTest, RebootAskedToRejectOnConflictIsRejectedAtOnceWithAReason) {
  auto update = Create(OperationKind::kFirmwareUpdate);
  auto reboot = Create(OperationKind::kReboot, OnConflict::kReject);
  EXPECT_EQ(reboot.state, OperationState::kRejected);
  EXPECT_NE(reboot.result_json.find("another disruptive operation"), std::string::npos)
      << reboot.result_json;
  EXPECT_EQ(StateOf(update.id), "sent");
}

TEST_F(EngineTest, LockGoesInCreationOrderEvenWhileTheHolderWaitsForBattery) {
  ReportBattery(device_.id, 10);
  auto update = Create(OperationKind::kFirmwareUpdate);
  EXPECT_EQ(StateOf(update.id), "waiting:battery");
  auto reset = Create(OperationKind::kFactoryReset);
  EXPECT_EQ(StateOf(reset.id), "waiting:exclusive_lock");
  engine_->Cancel(operator_, update.id);
  EXPECT_EQ(StateOf(reset.id), "sent");
}

TEST_F(EngineTest, FirmwareUpdateWaitsForBatteryAndGoesWhenTheDeviceReportsCharge) {
  ReportBattery(device_.id, 10);
  auto update = Create(OperationKind::kFirmwareUpdate);
  EXPECT_EQ(update.state, OperationState::kWaiting);
  EXPECT_EQ(update.waiting_for, "battery");
  ReportBattery(device_.id, 19);
  engine_->Poll();
  EXPECT_EQ(StateOf(update.id), "waiting:battery");
  ReportBattery(device_.id, 80);
  engine_->Poll();
  EXPECT_EQ(StateOf(update.id), "sent");
  EXPECT_EQ(deliverer_.TakeSent().size(), 1u);
}

TEST_F(EngineTest, FirmwareUpdateGoesOnExternalPowerAndHonoursItsOwnThreshold) {
  ReportBattery(device_.id, 10, "external");
  EXPECT_EQ(Create(OperationKind::kFirmwareUpdate).state, OperationState::kSent);

  auto other = CreateDevice("pump-2");
  deliverer_.SetReachable(other.id, true);
  ReportBattery(other.id, 30);
  OperationRequest r;
  r.device_id = other.id;
  r.kind = OperationKind::kFirmwareUpdate;
  r.battery_threshold = 50;
  auto strict = CreateRequest(r);
  EXPECT_EQ(StateOf(strict.id), "waiting:battery");
  EXPECT_EQ(Stored(strict.id).battery_threshold, 50);
}

TEST_F(EngineTest, RebootIgnoresTheBattery) {
  ReportBattery(device_.id, 1);
  EXPECT_EQ(Create(OperationKind::kReboot).state, OperationState::kSent);
}

}  // namespace
}  // namespace custos::ops::testing
