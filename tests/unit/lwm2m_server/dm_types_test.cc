// Notification attributes (parsing and the rules of TS Core §5.1.2), format names and the
// HTTP mapping of failures; and the device model patch from Objects 3, 4 and 6.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lwm2m/server/server.h"

namespace custos::lwm2m::server {
namespace {

TEST(NotificationAttributesTest, ParsesArgumentsAndJsonAlike) {
  auto from_args = AttributesFromArguments({"pmin=10", "pmax=60", "gt=50.5", "st="});
  ASSERT_TRUE(from_args);
  EXPECT_EQ(from_args->pmin, 10u);
  EXPECT_EQ(from_args->pmax, 60u);
  EXPECT_EQ(from_args->gt, 50.5);
  EXPECT_EQ(from_args->clear, std::vector<std::string>{"st"});
  auto from_json =
      AttributesFromJson(boost::json::parse(R"({"pmin":10,"pmax":60,"gt":50.5,"st":null})"));
  ASSERT_TRUE(from_json);
  EXPECT_EQ(QueryArguments(*from_json), QueryArguments(*from_args));
  EXPECT_EQ(QueryArguments(*from_json),
            (std::vector<std::string>{"pmin=10", "pmax=60", "gt=50.5", "st"}));
}

TEST(NotificationAttributesTest, RefusesWhatTheSpecificationForbids) {
  struct Case {
    const char* json;
    const char* path;
  };
  for (const Case& c :
       {Case{R"({"pmin": 60, "pmax": 10})", "/3/0/9"},
        Case{R"({"epmin": 6, "epmax": 1})", "/3/0/9"}, Case{R"({"gt": 10, "lt": 20})", "/3/0/9"},
        Case{R"({"gt": 50, "lt": 10, "st": 30})", "/3/0/9"}, Case{R"({"st": 0})", "/3/0/9"},
        Case{R"({"gt": 10})", "/3/0"}, Case{R"({})", "/3/0"}}) {
    auto attributes = AttributesFromJson(boost::json::parse(c.json));
    ASSERT_TRUE(attributes) << c.json;
    EXPECT_FALSE(Validate(*attributes, *ParsePath(c.path))) << c.json << " on " << c.path;
  }
  EXPECT_FALSE(AttributesFromJson(boost::json::parse(R"({"pmin": -1})")));
  EXPECT_FALSE(AttributesFromJson(boost::json::parse(R"({"pmin": 1.5})")));
  EXPECT_FALSE(AttributesFromJson(boost::json::parse(R"({"nope": 1})")));
  EXPECT_FALSE(AttributesFromArguments({"pmin=ten"}));
  auto fine = AttributesFromJson(boost::json::parse(R"({"pmin": 1, "pmax": 5, "gt": 50,
                                                        "lt": 10, "st": 5})"));
  ASSERT_TRUE(fine);
  EXPECT_TRUE(Validate(*fine, Path::Resource(3, 0, 9)));
}

TEST(FormatNameTest, NamesAndNumbers) {
  EXPECT_EQ(*ParseFormatName("tlv"), format::ContentFormat::kTlv);
  EXPECT_EQ(*ParseFormatName("senml-cbor"), format::ContentFormat::kSenmlCbor);
  EXPECT_EQ(*ParseFormatName("11544"), format::ContentFormat::kLwm2mCbor);
  EXPECT_FALSE(ParseFormatName("40"));
  EXPECT_FALSE(ParseFormatName("xml"));
  EXPECT_STREQ(FormatName(format::ContentFormat::kLegacyTlv), "tlv");
}

TEST(HttpStatusTest, MapsEveryKindOfFailure) {
  EXPECT_EQ(HttpStatus(FromCoapCode("4.04", "")), 404);
  EXPECT_EQ(HttpStatus(FromCoapCode("4.15", "")), 415);
  EXPECT_EQ(HttpStatus(FromCoapCode("4.29", "")), 400);
  EXPECT_EQ(HttpStatus(FromCoapCode("5.03", "")), 502);
  EXPECT_EQ(HttpStatus(DmError{core::ErrorCode::kConflict, "device_not_registered", "", ""}), 409);
  EXPECT_EQ(HttpStatus(DmError{core::ErrorCode::kTimeout, "timeout", "", ""}), 504);
  EXPECT_EQ(HttpStatus(DmError{core::ErrorCode::kUnavailable, "bad_answer", "", ""}), 502);
}

TEST(ReportedPatchTest, MapsObjects346ToTheDeviceModel) {
  std::vector<Record> records = {
      {Path::Resource(3, 0, 0), std::string("Acme"), {}},
      {Path::Resource(3, 0, 1), std::string("Widget"), {}},
      {Path::Resource(3, 0, 2), std::string("SN1"), {}},
      {Path::Resource(3, 0, 3), std::string("1.2.3"), {}},
      {Path::ResourceInstance(3, 0, 6, 0), std::int64_t{1}, {}},
      {Path::Resource(3, 0, 9), std::int64_t{87}, {}},
      {Path::Resource(3, 0, 10), std::int64_t{512}, {}},
      {Path::ResourceInstance(3, 0, 11, 0), std::int64_t{0}, {}},
      {Path::ResourceInstance(3, 0, 11, 1), std::int64_t{3}, {}},
      {Path::Resource(4, 0, 2), std::int64_t{-71}, {}},
      {Path::ResourceInstance(4, 0, 4, 0), std::string("10.0.0.7"), {}},
      {Path::Resource(6, 0, 0), 52.5, {}},
      {Path::Resource(6, 0, 1), 13.4, {}},
      {Path::Resource(3, 1, 0), std::string("other instance"), {}},
  };
  auto patch = ReportedPatch(records);
  EXPECT_EQ(boost::json::value(patch), boost::json::parse(R"({
      "manufacturer": "Acme", "model": "Widget", "serial": "SN1", "firmware_version": "1.2.3",
      "battery_level": 87, "free_memory": 512, "error_codes": [0, 3],
      "power_source": "internal_battery", "signal_strength": -71,
      "ip_addresses": ["10.0.0.7"], "location": {"latitude": 52.5, "longitude": 13.4}})"));
}

TEST(ReportedPatchTest, LeavesOutValuesOutOfRange) {
  std::vector<Record> records = {{Path::Resource(3, 0, 9), std::int64_t{300}, {}},
                                 {Path::Resource(3, 0, 0), std::int64_t{5}, {}}};
  EXPECT_TRUE(ReportedPatch(records).empty());
}

}  // namespace
}  // namespace custos::lwm2m::server
