#include "app/lwm2m_firmware_steps.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::app {
namespace {

TEST(UpdateResultMeaningTest, NamesEveryFailingResultAndNothingElse) {
  EXPECT_EQ(UpdateResultMeaning(0), "");
  EXPECT_EQ(UpdateResultMeaning(1), "");
  EXPECT_EQ(UpdateResultMeaning(5), "integrity check failure for the new downloaded package");
  EXPECT_EQ(UpdateResultMeaning(8), "firmware update failed");
  for (std::int64_t r = 2; r <= 9; ++r) EXPECT_NE(UpdateResultMeaning(r), "") << r;
  EXPECT_EQ(UpdateResultMeaning(10), "");
  EXPECT_EQ(UpdateResultMeaning(-1), "");
}

TEST(ParseFirmwareRequestTest, TakesTheImageAndTheMethodPullByDefault) {
  auto pull = ParseFirmwareRequest(R"({"firmware_id": 7})");
  ASSERT_TRUE(pull) << pull.error().message;
  EXPECT_EQ(pull->firmware_id, 7);
  EXPECT_EQ(pull->method, FirmwareMethod::kPull);
  auto push = ParseFirmwareRequest(R"({"firmware_id": 7, "method": "push"})");
  ASSERT_TRUE(push);
  EXPECT_EQ(push->method, FirmwareMethod::kPush);
  EXPECT_TRUE(ParseFirmwareRequest(R"({"firmware_id": 7, "method": "pull"})"));
}

TEST(ParseFirmwareRequestTest, RefusesAMissingImageOrAnUnknownMethod) {
  for (const char* bad : {"{}", R"({"firmware_id": 0})", R"({"firmware_id": "7"})",
                          R"({"firmware_id": 7, "method": "ftp"})",
                          R"({"firmware_id": 7, "method": 1})", "[]", "not json"}) {
    auto r = ParseFirmwareRequest(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(ReachedDeviceTest, IsTheFlowsStageInTheResultSoFar) {
  EXPECT_FALSE(ReachedDevice("{}"));
  EXPECT_FALSE(ReachedDevice(R"({"reason":"timeout"})"));
  EXPECT_FALSE(ReachedDevice(""));
  EXPECT_TRUE(ReachedDevice(R"({"stage":"downloading","package_uri":"coap://h/fw/1"})"));
  EXPECT_TRUE(ReachedDevice(R"({"stage":"updating"})"));
}

TEST(FirstStepTest, AFirstDeliverySendsThePackageUnlessTheDeviceIsUpdatingOrUpToDate) {
  EXPECT_EQ(FirstStep(kFirmwareIdle, 0, false, false), FirmwareStep::kSendPackage);
  EXPECT_EQ(FirstStep(kFirmwareIdle, 1, true, false), FirmwareStep::kSucceed);
  EXPECT_EQ(FirstStep(kFirmwareDownloading, 0, false, false), FirmwareStep::kSendPackage);
  // A package downloaded for something else, or an earlier failed update: start afresh.
  EXPECT_EQ(FirstStep(kFirmwareDownloaded, 0, false, false), FirmwareStep::kSendPackage);
  EXPECT_EQ(FirstStep(kFirmwareDownloaded, 8, false, false), FirmwareStep::kSendPackage);
  EXPECT_EQ(FirstStep(kFirmwareUpdating, 0, false, false), FirmwareStep::kAwaitReboot);
}

TEST(FirstStepTest, ARedeliveryResumesFromTheStateAndNeverUpdatesTwice) {
  EXPECT_EQ(FirstStep(kFirmwareDownloading, 0, false, true), FirmwareStep::kAwaitDownload);
  EXPECT_EQ(FirstStep(kFirmwareDownloaded, 0, false, true), FirmwareStep::kExecute);
  EXPECT_EQ(FirstStep(kFirmwareDownloaded, 8, false, true), FirmwareStep::kFail);
  EXPECT_EQ(FirstStep(kFirmwareDownloaded, 5, false, true), FirmwareStep::kFail);
  EXPECT_EQ(FirstStep(kFirmwareUpdating, 0, false, true), FirmwareStep::kAwaitReboot);
  // Updated while the server was down: the new version is running.
  EXPECT_EQ(FirstStep(kFirmwareIdle, 1, true, true), FirmwareStep::kSucceed);
  // A lost or failed download is no Update: the package goes again.
  EXPECT_EQ(FirstStep(kFirmwareIdle, 4, false, true), FirmwareStep::kSendPackage);
}

TEST(ReactionToTest, DownloadedExecutesWhileDownloadingAndAFailingResultFails) {
  using S = FirmwareStage;
  EXPECT_EQ(ReactionTo(S::kDownloading, kFirmwareDownloaded, 0), FirmwareReaction::kExecute);
  EXPECT_EQ(ReactionTo(S::kDownloading, kFirmwareDownloaded, std::nullopt),
            FirmwareReaction::kExecute);
  EXPECT_EQ(ReactionTo(S::kDownloading, kFirmwareDownloading, 0), FirmwareReaction::kNone);
  EXPECT_EQ(ReactionTo(S::kDownloading, kFirmwareIdle, 7), FirmwareReaction::kFail);
  // Executed already: State 2 again (a failed update falls back to it) executes nothing.
  EXPECT_EQ(ReactionTo(S::kUpdating, kFirmwareDownloaded, 0), FirmwareReaction::kNone);
  EXPECT_EQ(ReactionTo(S::kUpdating, kFirmwareDownloaded, 8), FirmwareReaction::kFail);
  EXPECT_EQ(ReactionTo(S::kUpdating, std::nullopt, kUpdateResultSuccess), FirmwareReaction::kNone);
  // Before the first look, the first look decides.
  EXPECT_EQ(ReactionTo(S::kStarting, kFirmwareDownloaded, 8), FirmwareReaction::kNone);
}

TEST(Object5InTest, FindsStateAndResultInAnInstanceOrAResourceNode) {
  auto instance = boost::json::parse(R"({"path":"/5/0","id":0,"resources":[
      {"id":1,"name":"Package URI","type":"string","value":"coap://h/fw/1"},
      {"id":3,"name":"State","type":"integer","value":2},
      {"id":5,"name":"Update Result","type":"integer","value":0}]})");
  Object5Values v = Object5In(instance);
  EXPECT_EQ(v.state, 2);
  EXPECT_EQ(v.update_result, 0);
  Object5Values r = Object5In(boost::json::parse(R"({"path":"/5/0/5","id":5,"value":5})"));
  EXPECT_FALSE(r.state);
  EXPECT_EQ(r.update_result, 5);
  auto root = boost::json::parse(R"({"path":"/","objects":[{"id":5,"instances":[{"id":0,
      "resources":[{"id":3,"value":1}]}]}]})");
  EXPECT_EQ(Object5In(root).state, 1);
  // Another object's resource 3, or another instance of Object 5, is not State.
  Object5Values none = Object5In(boost::json::parse(R"({"path":"/3/0","id":0,"resources":[
      {"id":3,"value":"1.0.0"},{"id":9,"value":80}]})"));
  EXPECT_FALSE(none.state);
  EXPECT_FALSE(none.update_result);
  EXPECT_FALSE(Object5In(boost::json::parse(R"({"path":"/5/1/3","value":2})")).state);
}

TEST(Object5InTest, TakesUnsignedIdsAsTheDeviceManagerBuildsThem) {
  boost::json::object state{{"id", std::uint16_t{3}}, {"value", std::int64_t{3}}};
  boost::json::object result{{"id", std::uint16_t{5}}, {"value", std::uint64_t{8}}};
  boost::json::value instance = boost::json::object{
      {"path", "/5/0"}, {"id", std::uint16_t{0}}, {"resources", boost::json::array{state, result}}};
  ASSERT_TRUE(instance.at("resources").at(0).at("id").is_uint64());
  Object5Values v = Object5In(instance);
  EXPECT_EQ(v.state, 3);
  EXPECT_EQ(v.update_result, 8);
}

}  // namespace
}  // namespace custos::app
