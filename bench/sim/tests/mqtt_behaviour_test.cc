// The simulated MQTT device's payloads and parsing, without a server.
#include "mqtt_behaviour.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::sim {
namespace {

namespace json = boost::json;

TEST(MqttBehaviourTest, ShareTakesAboutItsFractionOfAnyRunOfDevices) {
  for (double fraction : {0.0, 0.1, 0.25, 0.5, 1.0}) {
    int in = 0;
    for (std::uint64_t i = 1000; i < 2000; ++i) in += InShare(i, fraction, 0) ? 1 : 0;
    EXPECT_NEAR(in, fraction * 1000, 2) << fraction;
  }
}

TEST(MqttBehaviourTest, ShareIsTheSameEveryTime) {
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(InShare(i, 0.3, 5), InShare(i, 0.3, 5));
}

TEST(MqttBehaviourTest, ProfileOfLowBatteryDeviceReportsTenPercent) {
  const MqttDeviceProfile low = ProfileOf(0, "d-0", MqttShares{0, 1, 0});
  const MqttDeviceProfile normal = ProfileOf(0, "d-0", MqttShares{});
  EXPECT_EQ(low.battery_level, 10);
  EXPECT_EQ(normal.battery_level, 90);
  EXPECT_FALSE(normal.fails_updates);
  EXPECT_TRUE(ProfileOf(3, "d-3", MqttShares{1, 0, 0}).fails_updates);
}

TEST(MqttBehaviourTest, IdentityCarriesFirmwareVersionAndSupportedOperations) {
  MqttDeviceProfile device;
  device.name = "d-1";
  device.firmware_version = "2.4.1";
  const json::object identity = json::parse(IdentityPayload(device)).as_object();
  EXPECT_EQ(identity.at("firmware_version"), "2.4.1");
  EXPECT_EQ(identity.at("serial"), "d-1");
  EXPECT_EQ(identity.at("supported_operations").as_array().size(), 4u);
}

TEST(MqttBehaviourTest, HealthIsAReportedStatePatch) {
  MqttDeviceProfile device;
  device.battery_level = 10;
  const json::value health = json::parse(HealthPayload(device));
  EXPECT_EQ(health.at("state").at("battery_level"), 10);
  EXPECT_EQ(health.at("state").at("power_source"), "battery");
}

TEST(MqttBehaviourTest, OperationIdComesFromTheDevicesOwnOperationTopic) {
  EXPECT_EQ(OperationIdOf("devices/d-1/operations/op-81", "d-1"), "op-81");
  EXPECT_EQ(OperationIdOf("devices/d-1/operations/op-81/result", "d-1"), std::nullopt);
  EXPECT_EQ(OperationIdOf("devices/d-2/operations/op-81", "d-1"), std::nullopt);
  EXPECT_EQ(OperationIdOf("devices/d-1/operations/", "d-1"), std::nullopt);
  EXPECT_EQ(OperationIdOf("devices/d-1/state/desired", "d-1"), std::nullopt);
}

TEST(MqttBehaviourTest, ParsesFirmwareUpdateParameters) {
  auto op = ParseOperation(
      "op-7",
      R"({"kind":"firmware_update","parameters":{"url":"http://127.0.0.1:8080/f","size":1024,)"
      R"("sha256":"9F86D0","version":"2.0.0","firmware_id":4}})");
  ASSERT_TRUE(op) << op.error().message;
  EXPECT_EQ(op->id, "op-7");
  EXPECT_EQ(op->kind, "firmware_update");
  EXPECT_EQ(op->url, "http://127.0.0.1:8080/f");
  EXPECT_EQ(op->size, 1024u);
  EXPECT_EQ(op->sha256, "9f86d0");
  EXPECT_EQ(op->version, "2.0.0");
}

TEST(MqttBehaviourTest, ParsesRebootWithoutParameters) {
  auto op = ParseOperation("op-1", R"({"kind":"reboot","parameters":{}})");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->kind, "reboot");
  EXPECT_FALSE(op->size);
}

TEST(MqttBehaviourTest, RefusesOperationWithoutKindOrNotJson) {
  EXPECT_FALSE(ParseOperation("op-1", R"({"parameters":{}})"));
  EXPECT_FALSE(ParseOperation("op-1", "reboot"));
  EXPECT_FALSE(ParseOperation("op-1", "[]"));
}

TEST(MqttBehaviourTest, ProgressAndResultFollowTheContract) {
  const json::value progress = json::parse(ProgressPayload(25, "downloading"));
  EXPECT_EQ(progress.at("state"), "in_progress");
  EXPECT_EQ(progress.at("progress"), 25);
  const json::value ok = json::parse(ResultPayload(true, "installed", "1.0.1"));
  EXPECT_EQ(ok.at("state"), "succeeded");
  EXPECT_EQ(ok.at("result").at("firmware_version"), "1.0.1");
  const json::value failed = json::parse(ResultPayload(false, "bad image", ""));
  EXPECT_EQ(failed.at("state"), "failed");
  EXPECT_FALSE(failed.as_object().contains("result"));
}

TEST(MqttBehaviourTest, DesiredStateIsReportedBackWithItsVersion) {
  auto desired = ParseDesired(R"({"state":{"interval":10},"version":4})");
  ASSERT_TRUE(desired);
  EXPECT_EQ(desired->version, 4);
  const json::value applied = json::parse(DesiredAppliedPayload(*desired));
  EXPECT_EQ(applied.at("state").at("interval"), 10);
  EXPECT_EQ(applied.at("desired_version"), 4);
  EXPECT_FALSE(ParseDesired(R"({"state":{}})"));
  EXPECT_FALSE(ParseDesired(R"({"state":1,"version":1})"));
}

TEST(MqttBehaviourTest, NextFirmwareVersionBumpsTheLastNumber) {
  EXPECT_EQ(NextFirmwareVersion("1.0.0"), "1.0.1");
  EXPECT_EQ(NextFirmwareVersion("1.0.9"), "1.0.10");
  EXPECT_EQ(NextFirmwareVersion("v7"), "v8");
  EXPECT_EQ(NextFirmwareVersion("abc"), "abc.1");
  EXPECT_EQ(NextFirmwareVersion(""), ".1");
}

}  // namespace
}  // namespace custos::sim
