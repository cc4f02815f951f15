#include <gtest/gtest.h>

#include "mqtt_bench.h"

namespace custos::mqtt_bench {
namespace {

TEST(DeviceListTest, ParsesNameAndSecretPerLine) {
  auto devices = ParseDeviceList("dev-1 s3cret-aaaa\n\n  dev-2\t\tbbbb-secret  \r\ndev-3 c");
  ASSERT_TRUE(devices) << devices.error().message;
  ASSERT_EQ(devices->size(), 3U);
  EXPECT_EQ((*devices)[0], (Device{"dev-1", "s3cret-aaaa"}));
  EXPECT_EQ((*devices)[1], (Device{"dev-2", "bbbb-secret"}));
  EXPECT_EQ((*devices)[2], (Device{"dev-3", "c"}));
}

TEST(DeviceListTest, EmptyTextIsNoDevices) {
  auto devices = ParseDeviceList("\n\n");
  ASSERT_TRUE(devices);
  EXPECT_TRUE(devices->empty());
}

TEST(DeviceListTest, ALineWithoutSecretOrWithThreeFieldsIsRefusedWithItsNumber) {
  auto missing = ParseDeviceList("dev-1 a\ndev-2\n");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("line 2"), std::string::npos);
  auto extra = ParseDeviceList("dev-1 a b\n");
  ASSERT_FALSE(extra);
  EXPECT_NE(extra.error().message.find("line 1"), std::string::npos);
}

TEST(DeviceListTest, AnUnreadableFileIsNotFound) {
  auto devices = ReadDeviceList("/nonexistent/devices.txt");
  ASSERT_FALSE(devices);
  EXPECT_EQ(devices.error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::mqtt_bench
