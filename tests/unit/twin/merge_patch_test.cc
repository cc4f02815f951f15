// RFC 7386 merge patch (with the RFC's own examples), the delta, and JSON object parsing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;

std::string Patch(std::string_view target, std::string_view patch) {
  return json::serialize(MergePatch(json::parse(target), json::parse(patch)));
}

// RFC 7386 Appendix A, every row.
TEST(MergePatchTest, Rfc7386AppendixA) {
  struct Case {
    const char* target;
    const char* patch;
    const char* result;
  };
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(json::parse(Patch(c.target, c.patch)), json::parse(c.result))
        << c.target << " + " << c.patch;
  }
}

TEST(DeltaTest, DesiredMembersThatDifferFromReported) {
  auto delta = [](std::string_view desired, std::string_view reported) {
    return json::value(Delta(json::parse(desired).as_object(), json::parse(reported).as_object()));
  };
  EXPECT_EQ(delta(R"({"interval":30,"mode":"eco"})", R"({"interval":30,"mode":"max"})"),
            json::parse(R"({"mode":"eco"})"));
  EXPECT_EQ(delta(R"({"interval":30})", R"({})"), json::parse(R"({"interval":30})"));
  EXPECT_EQ(delta(R"({})", R"({"battery_level":80})"), json::parse("{}"));
  EXPECT_EQ(delta(R"({"net":{"apn":"iot","roaming":false}})",
                  R"({"net":{"apn":"iot","roaming":true,"rssi":-70}})"),
            json::parse(R"({"net":{"roaming":false}})"));
  EXPECT_EQ(delta(R"({"net":{"apn":"iot"}})", R"({"net":"down"})"),
            json::parse(R"({"net":{"apn":"iot"}})"));
  EXPECT_EQ(delta(R"({"list":[1,2]})", R"({"list":[1,2]})"), json::parse("{}"));
}

TEST(ParseObjectTest, OnlyAnObjectIsTaken) {
  auto ok = ParseObject(R"({"a":1})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at("a").as_int64(), 1);
  auto broken = ParseObject(R"({"a":)");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(broken.error().position.has_value());
  EXPECT_FALSE(ParseObject("[1]"));
  EXPECT_FALSE(ParseObject(""));
  EXPECT_FALSE(ParseObject(R"({"a":1} x)"));
}

TEST(ExtractDeviceReportTest, WellKnownMembersFeedTheDeviceModel) {
  auto report = ExtractDeviceReport(json::parse(R"({
      "manufacturer": "Acme", "model": "M1", "serial": "S-9", "hardware_version": "rev B",
      "firmware_version": "1.4.2", "software_version": "app 7", "battery_level": 87.0,
      "power_source": "battery", "signal_strength": -71, "free_memory": 2048,
      "error_codes": [3, 7], "interval": 30})")
                                        .as_object());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->manufacturer, "Acme");
  EXPECT_EQ(report->model, "M1");
  EXPECT_EQ(report->serial, "S-9");
  EXPECT_EQ(report->hardware_version, "rev B");
  EXPECT_EQ(report->firmware_version, "1.4.2");
  EXPECT_EQ(report->software_version, "app 7");
  EXPECT_EQ(report->battery_level, 87);
  EXPECT_EQ(report->power_source, "battery");
  EXPECT_EQ(report->signal_strength, -71);
  EXPECT_EQ(report->free_memory, 2048);
  EXPECT_EQ(report->error_codes, (std::vector<int>{3, 7}));
  EXPECT_FALSE(report->protocol);

  auto none =
      ExtractDeviceReport(json::parse(R"({"interval":30,"battery_level":null})").as_object());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ExtractDeviceReportTest, WrongTypesAreRefusedNamingTheMember) {
  for (const char* bad :
       {R"({"battery_level":"full"})", R"({"battery_level":101})", R"({"battery_level":50.5})",
        R"({"firmware_version":142})", R"({"free_memory":-1})", R"({"error_codes":[1,"x"]})",
        R"({"error_codes":3})", R"({"signal_strength":true})"}) {
    auto report = ExtractDeviceReport(json::parse(bad).as_object());
    ASSERT_FALSE(report) << bad;
    EXPECT_EQ(report.error().code, core::ErrorCode::kInvalidArgument);
    const std::string member = json::parse(bad).as_object().begin()->key();
    EXPECT_NE(report.error().message.find(member), std::string::npos) << report.error().message;
  }
}

}  // namespace
}  // namespace custos::twin
