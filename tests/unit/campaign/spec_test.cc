// The campaign definition: what is accepted, what is refused and why, and batch sizes.
#include <gtest/gtest.h>

#include "campaign/campaign.h"

namespace custos::campaign {
namespace {

constexpr const char* kMinimal =
    R"({"name":"fw","selector":{"group":3},"operation":{"kind":"firmware_update"}})";

TEST(CampaignSpec, MinimalSpecTakesDefaults) {
  auto spec = ParseSpec(kMinimal);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->selector.group, 3);
  EXPECT_FALSE(spec->selector.continuous);
  EXPECT_EQ(spec->operation.kind, core::OperationKind::kFirmwareUpdate);
  EXPECT_FALSE(spec->rollout.batch_size);
  EXPECT_EQ(spec->thresholds.action, ThresholdAction::kPause);
}

TEST(CampaignSpec, RoundTripsThroughJson) {
  auto spec = ParseSpec(
      R"({"name":"fw","selector":{"filter":"model = \"X\""},"continuous":true,)"
      R"("operation":{"kind":"reboot","parameters":{"a":1},"timeout_s":60,)"
      R"("battery_threshold":30,"on_conflict":"reject"},)"
      R"("rollout":{"batch_percent":10,"max_in_flight":5,"rate_per_minute":60,"ramp_from":2},)"
      R"("thresholds":{"batch_failure_rate":0.2,"overall_failure_rate":0.1,)"
      R"("batch_success_rate":0.5,"min_outcomes":4,"action":"abort"},)"
      R"("order_by":["labels.role != \"gateway\""],"window_ids":[4,7]})");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->operation.window_ids, (std::vector<std::int64_t>{4, 7}));
  auto again = ParseSpec(SpecToJson(*spec));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(SpecToJson(*again), SpecToJson(*spec));
  EXPECT_TRUE(again->selector.continuous);
  EXPECT_EQ(again->operation.timeout_ms, 60'000);
  EXPECT_EQ(again->operation.on_conflict, ops::OnConflict::kReject);
  EXPECT_EQ(again->rollout.ramp_from, 2);
  EXPECT_EQ(again->thresholds.min_outcomes, 4);
  EXPECT_EQ(again->thresholds.action, ThresholdAction::kAbort);
  ASSERT_EQ(again->order_by.size(), 1u);
}

TEST(CampaignSpec, RefusesBadMembersNamingThem) {
  struct Case {
    const char* json;
    const char* says;
  };
  const Case cases[] = {
      {R"({"selector":{"group":1},"operation":{"kind":"reboot"}})", "name"},
      {R"({"name":"x","operation":{"kind":"reboot"}})", "selector"},
      {R"({"name":"x","selector":{"group":1,"filter":""},"operation":{"kind":"reboot"}})",
       "not both"},
      {R"({"name":"x","selector":{"filter":"colour = 1"},"operation":{"kind":"reboot"}})",
       "selector.filter"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"dance"}})", "operation.kind"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},)"
       R"("rollout":{"batch_size":0}})",
       "rollout.batch_size"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},)"
       R"("rollout":{"batch_size":2,"batch_percent":5}})",
       "not both"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},)"
       R"("thresholds":{"batch_failure_rate":1.5}})",
       "thresholds.batch_failure_rate"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},)"
       R"("thresholds":{"action":"panic"}})",
       "thresholds.action"},
      {R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},)"
       R"("order_by":["nope ="]})",
       "order_by[0]"},
  };
  for (const Case& c : cases) {
    auto spec = ParseSpec(c.json);
    ASSERT_FALSE(spec) << c.json;
    EXPECT_EQ(spec.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(spec.error().message.find(c.says), std::string::npos)
        << spec.error().message << " should mention " << c.says;
  }
}

TEST(CampaignSpec, BatchSizeFromSizePercentAndRamp) {
  Rollout all;
  EXPECT_EQ(BatchSize(all, 0, 250), 250);
  Rollout fixed;
  fixed.batch_size = 20;
  EXPECT_EQ(BatchSize(fixed, 3, 250), 20);
  Rollout percent;
  percent.batch_percent = 10;
  EXPECT_EQ(BatchSize(percent, 0, 250), 25);
  EXPECT_EQ(BatchSize(percent, 0, 5), 1);  // never an empty batch
  Rollout ramp;
  ramp.batch_size = 10;
  ramp.ramp_from = 1;
  EXPECT_EQ(BatchSize(ramp, 0, 250), 1);
  EXPECT_EQ(BatchSize(ramp, 1, 250), 2);
  EXPECT_EQ(BatchSize(ramp, 2, 250), 4);
  EXPECT_EQ(BatchSize(ramp, 3, 250), 8);
  EXPECT_EQ(BatchSize(ramp, 4, 250), 10);
  EXPECT_EQ(BatchSize(ramp, 40, 250), 10);
}

TEST(CampaignSpec, WindowIdsMustBeAnArrayOfIds) {
  for (const char* bad : {R"("window_ids":3)", R"("window_ids":["a"])", R"("window_ids":[0])"}) {
    auto spec = ParseSpec(std::string(R"({"name":"fw","selector":{"group":3},)") +
                          R"("operation":{"kind":"reboot"},)" + bad + "}");
    ASSERT_FALSE(spec) << bad;
    EXPECT_NE(spec.error().message.find("window_ids"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace custos::campaign
