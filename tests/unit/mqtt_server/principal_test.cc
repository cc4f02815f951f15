#include "mqtt/server/principal.h"

#include <gtest/gtest.h>

#include "mqtt/server/admission.h"

namespace custos::mqtt::server {
namespace {

Principal DeviceNamed(const std::string& name) {
  Principal p;
  p.device_id = 7;
  p.name = name;
  return p;
}

Principal AnOperator() {
  Principal p;
  p.kind = Principal::Kind::kOperator;
  p.name = "ops";
  return p;
}

TEST(PrincipalTest, DevicePublishesOnlyInsideItsNamespace) {
  const Principal d = DeviceNamed("pump-1");
  EXPECT_TRUE(MayPublish(d, "devices/pump-1/telemetry"));
  EXPECT_TRUE(MayPublish(d, "devices/pump-1/a/b/c"));
  EXPECT_FALSE(MayPublish(d, "devices/pump-1"));
  EXPECT_FALSE(MayPublish(d, "devices/pump-2/telemetry"));
  EXPECT_FALSE(MayPublish(d, "devices/pump-10/telemetry"));
  EXPECT_FALSE(MayPublish(d, "devices/pump-/telemetry"));
  EXPECT_FALSE(MayPublish(d, "events/device/online"));
  EXPECT_FALSE(MayPublish(d, "telemetry"));
}

TEST(PrincipalTest, OperatorsNeverPublish) {
  EXPECT_FALSE(MayPublish(AnOperator(), "events/device/online"));
  EXPECT_FALSE(MayPublish(AnOperator(), "devices/pump-1/commands"));
}

TEST(PrincipalTest, DeviceSubscriptionsTable) {
  const Principal d = DeviceNamed("pump-1");
  struct Case {
    const char* filter;
    QoS qos;
    ReasonCode want;
  } cases[] = {
      {"devices/pump-1/commands", QoS::kAtLeastOnce, ReasonCode::kGrantedQos1},
      {"devices/pump-1/#", QoS::kAtMostOnce, ReasonCode::kGrantedQos0},
      {"devices/pump-1/+/x", QoS::kAtLeastOnce, ReasonCode::kGrantedQos1},
      {"#", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"+/pump-1/commands", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"devices/+/commands", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"devices/#", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"devices/pump-2/#", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"devices/pump-1", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"events/#", QoS::kAtMostOnce, ReasonCode::kNotAuthorized},
      {"$share/g/devices/pump-1/x", QoS::kAtMostOnce, ReasonCode::kSharedSubscriptionsNotSupported},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SubscribeVerdict(d, c.filter, c.qos), c.want) << c.filter;
  }
}

TEST(PrincipalTest, OperatorsSubscribeToEventsOnly) {
  EXPECT_EQ(SubscribeVerdict(AnOperator(), "events/#", QoS::kAtLeastOnce),
            ReasonCode::kGrantedQos1);
  EXPECT_EQ(SubscribeVerdict(AnOperator(), "events/device/+", QoS::kAtMostOnce),
            ReasonCode::kGrantedQos0);
  EXPECT_EQ(SubscribeVerdict(AnOperator(), "#", QoS::kAtMostOnce), ReasonCode::kNotAuthorized);
  EXPECT_EQ(SubscribeVerdict(AnOperator(), "devices/pump-1/#", QoS::kAtMostOnce),
            ReasonCode::kNotAuthorized);
}

TEST(PrincipalTest, EventTopicsUseLevelsForTheDots) {
  EXPECT_EQ(EventTopic("device.online"), "events/device/online");
  EXPECT_EQ(EventTopic("group.created"), "events/group/created");
}

TEST(TokenBucketTest, AdmitsTheBurstThenTheRate) {
  TokenBucket bucket(10, 3);
  const auto t0 = TokenBucket::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_FALSE(bucket.TryTake(t0));
  // 10 per second: one more after 100 ms, not before.
  EXPECT_FALSE(bucket.TryTake(t0 + std::chrono::milliseconds(50)));
  EXPECT_TRUE(bucket.TryTake(t0 + std::chrono::milliseconds(150)));
  EXPECT_FALSE(bucket.TryTake(t0 + std::chrono::milliseconds(150)));
  // Never more than the burst after a quiet spell.
  const auto later = t0 + std::chrono::seconds(60);
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_FALSE(bucket.TryTake(later));
}

TEST(TokenBucketTest, ZeroRateAdmitsEverything) {
  TokenBucket bucket(0, 0);
  const auto t0 = TokenBucket::Clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bucket.TryTake(t0));
}

}  // namespace
}  // namespace custos::mqtt::server
