// The engine's rules as pure functions.
#include "ops/policy.h"

#include <gtest/gtest.h>

#include "ops/ops.h"

namespace custos::ops {
namespace {

using core::OperationKind;

TEST(PolicyTest, DisruptiveKindsAreRebootFactoryResetAndFirmwareUpdate) {
  EXPECT_TRUE(IsDisruptive(OperationKind::kReboot));
  EXPECT_TRUE(IsDisruptive(OperationKind::kFactoryReset));
  EXPECT_TRUE(IsDisruptive(OperationKind::kFirmwareUpdate));
  EXPECT_FALSE(IsDisruptive(OperationKind::kConfigure));
  EXPECT_FALSE(IsDisruptive(OperationKind::kCustom));
  EXPECT_FALSE(IsDisruptive(OperationKind::kEnable));
}

TEST(PolicyTest, GuardsApplyInOrderLockBatteryOffline) {
  GuardView none{false, false, false};
  EXPECT_EQ(HoldingGuard(OperationKind::kFirmwareUpdate, none), "exclusive_lock");
  EXPECT_EQ(HoldingGuard(OperationKind::kFirmwareUpdate, {true, false, false}), "battery");
  EXPECT_EQ(HoldingGuard(OperationKind::kFirmwareUpdate, {true, true, false}), "offline");
  EXPECT_EQ(HoldingGuard(OperationKind::kFirmwareUpdate, {true, true, true}), std::nullopt);
  // A reboot does not care about the battery; a configure takes no lock.
  EXPECT_EQ(HoldingGuard(OperationKind::kReboot, {true, false, true}), std::nullopt);
  EXPECT_EQ(HoldingGuard(OperationKind::kConfigure, {false, false, true}), std::nullopt);
  EXPECT_EQ(HoldingGuard(OperationKind::kConfigure, {false, false, false}), "offline");
  // enable and disable are the server's own: nothing holds them.
  EXPECT_EQ(HoldingGuard(OperationKind::kDisable, none), std::nullopt);
}

TEST(PolicyTest, MaintenanceWindowComesAfterBatteryAndBeforeOffline) {
  //                 lock   power  reach  window
  const GuardView closed{true, true, false, false};
  EXPECT_EQ(HoldingGuard(OperationKind::kConfigure, closed), "maintenance_window");
  EXPECT_EQ(HoldingGuard(OperationKind::kFirmwareUpdate, {true, false, true, false}), "battery");
  EXPECT_EQ(HoldingGuard(OperationKind::kReboot, {false, true, true, false}), "exclusive_lock");
  EXPECT_EQ(HoldingGuard(OperationKind::kReboot, {true, true, false, true}), "offline");
  EXPECT_EQ(HoldingGuard(OperationKind::kEnable, closed), std::nullopt);
}

TEST(PolicyTest, PowerAllowsAtThresholdOnExternalPowerOrWithoutBatteryReport) {
  core::Health h;
  EXPECT_TRUE(PowerAllows(h, 20));
  h.battery_level = 19;
  EXPECT_FALSE(PowerAllows(h, 20));
  h.battery_level = 20;
  EXPECT_TRUE(PowerAllows(h, 20));
  h.battery_level = 5;
  h.power_source = "external";
  EXPECT_TRUE(PowerAllows(h, 20));
}

TEST(PolicyTest, RetryDelayDoublesUpToTheMaximum) {
  EngineOptions o;
  o.retry_initial_ms = 1'000;
  o.retry_max_ms = 5'000;
  EXPECT_EQ(RetryDelayMs(o, 1), 1'000);
  EXPECT_EQ(RetryDelayMs(o, 2), 2'000);
  EXPECT_EQ(RetryDelayMs(o, 3), 4'000);
  EXPECT_EQ(RetryDelayMs(o, 4), 5'000);
  EXPECT_EQ(RetryDelayMs(o, 40), 5'000);
}

TEST(PolicyTest, DeviceOperationIdsRoundTripAndRefuseOtherText) {
  EXPECT_EQ(DeviceOperationId(81), "op-81");
  EXPECT_EQ(ParseDeviceOperationId("op-81"), 81);
  for (std::string_view bad :
       {"81", "op-", "op-0", "op-081", "op-8x", "op--1", "OP-81", "op-99999999999999999999"}) {
    EXPECT_EQ(ParseDeviceOperationId(bad), std::nullopt) << bad;
  }
}

TEST(PolicyTest, OnConflictAndOutcomesParse) {
  EXPECT_EQ(ParseOnConflict("wait"), OnConflict::kWait);
  EXPECT_EQ(ParseOnConflict("reject"), OnConflict::kReject);
  EXPECT_EQ(ParseOnConflict("later"), std::nullopt);
  EXPECT_EQ(ParseDeviceOutcome("succeeded"), DeviceOutcome::kSucceeded);
  EXPECT_EQ(ParseDeviceOutcome("rejected"), DeviceOutcome::kRejected);
  EXPECT_EQ(ParseDeviceOutcome("in_progress"), std::nullopt);
  EXPECT_STREQ(ToString(DeviceOutcome::kFailed), "failed");
}

}  // namespace
}  // namespace custos::ops
