#include "api/event_stream_format.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::api {
namespace {

TEST(EventStreamFormatTest, ParsesDeviceAndTypeFilters) {
  Request req;
  req.query = {{"device", "1, 2,3"}, {"type", "device.*,group.created"}};
  auto p = ParseEventStreamParams(req);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->filter.device_ids, (std::set<core::DeviceId>{1, 2, 3}));
  EXPECT_EQ(p->filter.types, (std::vector<std::string>{"device.*", "group.created"}));
  EXPECT_FALSE(p->after_seq);
}

TEST(EventStreamFormatTest, ResumesFromLastEventIdBeforeSince) {
  Request req;
  req.query = {{"since", "10"}};
  EXPECT_EQ(ParseEventStreamParams(req)->after_seq, 10u);
  req.headers = {{"last-event-id", "42"}};
  EXPECT_EQ(ParseEventStreamParams(req)->after_seq, 42u);
}

TEST(EventStreamFormatTest, RejectsMalformedParameters) {
  Request bad_device;
  bad_device.query = {{"device", "1,x"}};
  auto p = ParseEventStreamParams(bad_device);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, core::ErrorCode::kInvalidArgument);
  Request bad_since;
  bad_since.query = {{"since", "-1"}};
  EXPECT_FALSE(ParseEventStreamParams(bad_since));
}

TEST(EventStreamFormatTest, FormatsAnEventAsIdEventAndOneDataLine) {
  core::Event e;
  e.seq = 1042;
  e.at = 0;
  e.type = "device.retired";
  e.device_id = 42;
  e.data_json = R"({"reason":"line one\nline two"})";
  std::string text = FormatEvent(e);
  ASSERT_TRUE(text.starts_with("id: 1042\nevent: device.retired\ndata: ")) << text;
  ASSERT_TRUE(text.ends_with("\n\n"));
  std::string data = text.substr(text.find("data: ") + 6);
  data.resize(data.size() - 2);
  EXPECT_EQ(data.find('\n'), std::string::npos) << "one data line";
  auto v = boost::json::parse(data);
  EXPECT_EQ(v.at("seq").as_int64(), 1042);
  EXPECT_EQ(v.at("type").as_string(), "device.retired");
  EXPECT_EQ(v.at("device_id").as_int64(), 42);
}

TEST(EventStreamFormatTest, CommentsStayOnOneLine) {
  EXPECT_EQ(FormatComment("keep-alive"), ": keep-alive\n\n");
  EXPECT_EQ(FormatComment("a\nb"), ": a b\n\n");
}

}  // namespace
}  // namespace custos::api
