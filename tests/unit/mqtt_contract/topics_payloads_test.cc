// The contract's topics and payloads.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;

TEST(ClassifyTopicTest, EveryTopicOfTheContract) {
  struct Case {
    const char* topic;
    TopicKind kind;
    const char* id;
  };
  const Case cases[] = {
      {"devices/d1/identity", TopicKind::kIdentity, ""},
      {"devices/d1/state/reported", TopicKind::kReported, ""},
      {"devices/d1/telemetry", TopicKind::kTelemetry, ""},
      {"devices/d1/logs", TopicKind::kLogs, ""},
      {"devices/d1/operations/op-7/progress", TopicKind::kOperationProgress, "op-7"},
      {"devices/d1/operations/op-7/result", TopicKind::kOperationResult, "op-7"},
      {"devices/d1/requests", TopicKind::kRequest, ""},
      {"devices/d1/requests/r1", TopicKind::kRequest, "r1"},
      {"devices/d1/requests/r1/x", TopicKind::kUnknown, ""},
      {"devices/d1/requests/", TopicKind::kUnknown, ""},
      {"devices/d1/operations/op-7", TopicKind::kUnknown, ""},
      {"devices/d1/operations//result", TopicKind::kUnknown, ""},
      {"devices/d1/operations/op-7/done", TopicKind::kUnknown, ""},
      {"devices/d1/state/desired", TopicKind::kUnknown, ""},
      {"devices/d1/state", TopicKind::kUnknown, ""},
      {"devices/d2/identity", TopicKind::kUnknown, ""},
      {"devices/d1", TopicKind::kUnknown, ""},
  };
  for (const Case& c : cases) {
    DeviceTopic t = ClassifyTopic(c.topic, "d1");
    EXPECT_EQ(t.kind, c.kind) << c.topic;
    EXPECT_EQ(t.id, c.id) << c.topic;
  }
  EXPECT_STREQ(ToString(TopicKind::kOperationProgress), "operation_progress");
}

TEST(TopicsTest, ServerTopicsAreInTheDeviceNamespace) {
  EXPECT_EQ(DesiredTopic("d1"), "devices/d1/state/desired");
  EXPECT_EQ(DeltaTopic("d1"), "devices/d1/state/delta");
  EXPECT_EQ(ReplyTopic("d1", "r9"), "devices/d1/replies/r9");
  EXPECT_EQ(OperationTopic("d1", "42"), "devices/d1/operations/42");
  EXPECT_EQ(ErrorsTopic("d1"), "devices/d1/errors");
}

TEST(ReportedMessageTest, StateWithOptionalVersions) {
  auto plain = ParseReportedMessage(R"({"state":{"battery_level":80}})");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(json::value(plain->patch), json::parse(R"({"battery_level":80})"));
  EXPECT_FALSE(plain->based_on);
  EXPECT_FALSE(plain->desired_applied);

  auto versioned = ParseReportedMessage(R"({"state":{},"version":4,"desired_version":7})");
  ASSERT_TRUE(versioned);
  EXPECT_EQ(versioned->based_on, 4);
  EXPECT_EQ(versioned->desired_applied, 7);

  for (const char* bad :
       {"", "not json", R"({"battery_level":80})", R"({"state":[1]})", R"({"state":{},"x":1})",
        R"({"state":{},"version":-1})", R"({"state":{},"version":"3"})", "[]"}) {
    auto parsed = ParseReportedMessage(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(IdentityMessageTest, IdentityAndSupportedOperations) {
  auto identity = ParseIdentityMessage(
      R"({"manufacturer":"Acme","firmware_version":"1.0","supported_operations":["reboot","firmware_update"]})");
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->patch.at("manufacturer").as_string(), "Acme");
  EXPECT_EQ(identity->patch.at("supported_operations").as_array().size(), 2u);
  EXPECT_FALSE(ParseIdentityMessage(R"({"supported_operations":"reboot"})"));
  EXPECT_FALSE(ParseIdentityMessage(R"({"supported_operations":[""]})"));
  EXPECT_FALSE(ParseIdentityMessage(R"({"supported_operations":[1]})"));
  EXPECT_FALSE(ParseIdentityMessage("[]"));
}

TEST(DesiredMessageTest, DocumentAndDeltaWithTheDesiredVersion) {
  core::DeviceState state;
  state.desired_json = R"({"interval":30,"mode":"eco"})";
  state.desired_version = 3;
  state.reported_json = R"({"interval":30,"mode":"max"})";
  state.reported_version = 9;
  EXPECT_EQ(json::parse(DesiredMessage(state)),
            json::parse(R"({"state":{"interval":30,"mode":"eco"},"version":3})"));
  EXPECT_EQ(json::parse(DeltaMessage(state)),
            json::parse(R"({"state":{"mode":"eco"},"version":3})"));
}

TEST(ReasonForTest, CoreErrorsAsPubackReasonCodes) {
  EXPECT_EQ(ReasonFor(core::ErrorCode::kInvalidArgument), mqtt::ReasonCode::kPayloadFormatInvalid);
  EXPECT_EQ(ReasonFor(core::ErrorCode::kPayloadTooLarge), mqtt::ReasonCode::kQuotaExceeded);
  EXPECT_EQ(ReasonFor(core::ErrorCode::kFailedPrecondition), mqtt::ReasonCode::kNotAuthorized);
  EXPECT_EQ(ReasonFor(core::ErrorCode::kConflict), mqtt::ReasonCode::kImplementationSpecificError);
  EXPECT_EQ(ReasonFor(core::ErrorCode::kUnavailable), mqtt::ReasonCode::kUnspecifiedError);
}

}  // namespace
}  // namespace custos::mqtt_contract
