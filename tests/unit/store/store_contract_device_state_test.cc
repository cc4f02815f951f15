// Store contract: each device's desired and reported state documents.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::ErrorCode;

TEST_P(StoreContractTest, ANewDeviceHasEmptyDocumentsAtVersionZero) {
  Device d = Create("sensor-1");
  auto state = store().GetDeviceState(d.id);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->device_id, d.id);
  EXPECT_EQ(state->desired_json, "{}");
  EXPECT_EQ(state->desired_version, 0);
  EXPECT_EQ(state->desired_updated_at, 0);
  EXPECT_EQ(state->reported_json, "{}");
  EXPECT_EQ(state->reported_version, 0);
  EXPECT_EQ(state->desired_acknowledged, 0);
  EXPECT_EQ(store().GetDeviceState(d.id + 100).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, DesiredStateIsVersionedAuditedAndDurable) {
  Device d = Create("sensor-1");
  const std::size_t audit_before = AuditCount();
  clock_.Advance(5);
  auto first = store().SaveDesiredState(
      d.id, R"({"interval":30})", 0, Audit("device.state.desire", "device", std::to_string(d.id)));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->desired_json, R"({"interval":30})");
  EXPECT_EQ(first->desired_version, 1);
  EXPECT_EQ(first->desired_updated_at, kStart + 5);
  EXPECT_EQ(first->reported_version, 0);
  EXPECT_EQ(AuditCount(), audit_before + 1);

  auto stale =
      store().SaveDesiredState(d.id, R"({"interval":60})", 0, Audit("device.state.desire"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), audit_before + 1);

  auto second =
      store().SaveDesiredState(d.id, R"({"interval":60})", 1, Audit("device.state.desire"));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->desired_version, 2);

  Reopen();
  auto reread = store().GetDeviceState(d.id);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->desired_json, R"({"interval":60})");
  EXPECT_EQ(reread->desired_version, 2);
}

TEST_P(StoreContractTest, ReportedVersionMovesOnlyWhenTheDocumentChanges) {
  Device d = Create("sensor-1");
  const std::size_t audit_before = AuditCount();
  auto first = store().SaveReportedState(d.id, R"({"battery_level":80})", 0, std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->reported_version, 1);
  EXPECT_EQ(first->reported_updated_at, kStart);
  EXPECT_EQ(first->desired_acknowledged, 0);

  clock_.Advance(10);
  auto ack_only = store().SaveReportedState(d.id, R"({"battery_level":80})", 1, 4);
  ASSERT_TRUE(ack_only) << ack_only.error().message;
  EXPECT_EQ(ack_only->reported_version, 1);
  EXPECT_EQ(ack_only->reported_updated_at, kStart);
  EXPECT_EQ(ack_only->desired_acknowledged, 4);

  auto changed = store().SaveReportedState(d.id, R"({"battery_level":79})", 1, std::nullopt);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->reported_version, 2);
  EXPECT_EQ(changed->reported_updated_at, kStart + 10);
  EXPECT_EQ(changed->desired_acknowledged, 4);

  auto stale = store().SaveReportedState(d.id, "{}", 1, std::nullopt);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), audit_before);
}

TEST_P(StoreContractTest, StateOfAnUnknownOrDeletedDeviceIsNotFound) {
  EXPECT_EQ(store().SaveDesiredState(42, "{}", 0, Audit("device.state.desire")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().SaveReportedState(42, "{}", 0, std::nullopt).error().code,
            ErrorCode::kNotFound);
  Device d = Create("sensor-1");
  ASSERT_TRUE(store().SaveDesiredState(d.id, R"({"a":1})", 0, Audit("device.state.desire")));
  ASSERT_TRUE(store().DeleteDevice(d.id, Audit("device.delete")));
  EXPECT_EQ(store().GetDeviceState(d.id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
