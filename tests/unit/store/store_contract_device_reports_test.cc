// Store contract: each device's latest telemetry and recent log lines.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::DeviceLogLine;
using core::ErrorCode;

TEST_P(StoreContractTest, TelemetryKeepsTheLatestRecordPerDevice) {
  Device d = Create("sensor-1");
  Device other = Create("sensor-2");
  auto none = store().GetTelemetry(d.id);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->measurements_json, "{}");
  EXPECT_EQ(none->updated_at, 0);

  ASSERT_TRUE(store().SaveTelemetry(d.id, R"({"temperature":21.5})", 0));
  clock_.Advance(7);
  ASSERT_TRUE(store().SaveTelemetry(d.id, R"({"temperature":22})", 0));
  ASSERT_TRUE(store().SaveTelemetry(other.id, R"({"rpm":900})", kStart + 1));
  Reopen();
  auto latest = store().GetTelemetry(d.id);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->device_id, d.id);
  EXPECT_EQ(latest->measurements_json, R"({"temperature":22})");
  EXPECT_EQ(latest->updated_at, kStart + 7);
  EXPECT_EQ(store().GetTelemetry(other.id)->updated_at, kStart + 1);

  EXPECT_EQ(store().SaveTelemetry(999, "{}", 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().GetTelemetry(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, DeviceLogsKeepTheNewestLinesInOrder) {
  Device d = Create("sensor-1");
  Device other = Create("sensor-2");
  std::vector<DeviceLogLine> batch;
  for (int i = 0; i < 5; ++i) batch.push_back({0, "info", "line " + std::to_string(i)});
  batch[0].at = kStart - 1000;
  ASSERT_TRUE(store().AppendDeviceLogs(d.id, batch, 4));
  ASSERT_TRUE(store().AppendDeviceLogs(other.id, {{0, "error", "other"}}, 4));
  ASSERT_TRUE(store().AppendDeviceLogs(d.id, {{0, "warn", "line 5"}}, 4));

  auto lines = store().ListDeviceLogs(d.id, 100);
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].message, "line 2");
  EXPECT_EQ((*lines)[3].message, "line 5");
  EXPECT_EQ((*lines)[3].level, "warn");
  EXPECT_EQ((*lines)[3].at, kStart);

  auto newest = store().ListDeviceLogs(d.id, 2);
  ASSERT_TRUE(newest);
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].message, "line 4");
  EXPECT_EQ((*newest)[1].message, "line 5");
  EXPECT_EQ(store().ListDeviceLogs(other.id, 100)->size(), 1u);

  EXPECT_EQ(store().AppendDeviceLogs(999, {{0, "info", "x"}}, 4).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().ListDeviceLogs(999, 1).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store().DeleteDevice(d.id, Audit("device.delete")));
  EXPECT_EQ(store().ListDeviceLogs(d.id, 1).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
