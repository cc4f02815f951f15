#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mqtt_bench.h"

namespace custos::mqtt_bench {
namespace {

namespace json = boost::json;

TEST(PayloadsTest, ReportedStateIsExactlyTheSizeAskedAndValidJson) {
  for (const std::size_t size : {kMinReportedStateSize, std::size_t{64}, std::size_t{200}}) {
    auto text = ReportedState(42, size);
    ASSERT_TRUE(text) << size;
    EXPECT_EQ(text->size(), size);
    const json::value doc = json::parse(*text);
    const json::object& state = doc.as_object().at("state").as_object();
    EXPECT_EQ(state.at("seq").as_string(), "00000042");
    EXPECT_EQ(state.at("temp_c").as_double(), 21.5);
  }
}

TEST(PayloadsTest, ReportedStateChangesWithTheSequenceAndRefusesTooSmall) {
  EXPECT_NE(ReportedState(1, 64), ReportedState(2, 64));
  EXPECT_EQ(ReportedState(100'000'001, 64), ReportedState(1, 64));
  EXPECT_FALSE(ReportedState(1, kMinReportedStateSize - 1));
}

TEST(PayloadsTest, Topics) {
  EXPECT_EQ(ReportedStateTopic("d-1"), "devices/d-1/state/reported");
  EXPECT_EQ(RequestTopic("d-1", "r7"), "devices/d-1/requests/r7");
  EXPECT_EQ(RepliesFilter("d-1"), "devices/d-1/replies/#");
  EXPECT_EQ(LastLevel("devices/d-1/replies/r7"), "r7");
  EXPECT_EQ(LastLevel("plain"), "plain");
}

TEST(PayloadsTest, ReplyTopicForARequestOnly) {
  EXPECT_EQ(ReplyTopicFor("devices/d-1/requests/r7"), "devices/d-1/replies/r7");
  EXPECT_FALSE(ReplyTopicFor("devices/d-1/requests"));
  EXPECT_FALSE(ReplyTopicFor("devices/d-1/requests/"));
  EXPECT_FALSE(ReplyTopicFor("devices/d-1/requests/a/b"));
  EXPECT_FALSE(ReplyTopicFor("devices//requests/r1"));
  EXPECT_FALSE(ReplyTopicFor("things/d-1/requests/r1"));
  EXPECT_FALSE(ReplyTopicFor("devices/d-1/telemetry"));
}

TEST(PayloadsTest, TimeReplyHasTheContractShape) {
  const json::value doc = json::parse(TimeReply(1'795'884'000'123));
  EXPECT_EQ(doc.at("method").as_string(), "time");
  EXPECT_EQ(doc.at("result").at("time").as_string(), "2026-11-28T16:40:00.123Z");
  EXPECT_EQ(doc.at("result").at("epoch_ms").as_int64(), 1'795'884'000'123);
  EXPECT_EQ(json::parse(TimeRequest()).at("method").as_string(), "time");
}

}  // namespace
}  // namespace custos::mqtt_bench
