// The Device vector is TS 1.0's JSON example of a Read on /3/0 (content format 11543).
#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

using testing::AsText;
using testing::At;
using testing::DeviceRecords;
using testing::ExampleTypes;
using testing::Text;
using I = std::int64_t;

constexpr std::string_view kDevice =
    R"({"bn":"/3/0/","e":[{"n":"0","sv":"Open Mobile Alliance"},)"
    R"({"n":"1","sv":"Lightweight M2M Client"},{"n":"2","sv":"345000123"},{"n":"3","sv":"1.0"},)"
    R"({"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},)"
    R"({"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},)"
    R"({"n":"11/0","v":0},{"n":"13","v":1367491215},{"n":"14","sv":"+02:00"},)"
    R"({"n":"16","sv":"U"}]})";

core::Result<std::vector<Record>> FromJson(std::string_view json, std::string_view base,
                                           ContentFormat format = ContentFormat::kLwm2mJson) {
  return Decode(format, Text(json), ParsePath(base).value(), ExampleTypes());
}

std::string Encoded(const std::vector<Record>& records, std::string_view base) {
  auto bytes = Encode(ContentFormat::kLwm2mJson, records, ParsePath(base).value());
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? AsText(*bytes) : "";
}

TEST(Lwm2mJsonTest, TheDeviceExampleBothWays) {
  auto records = FromJson(kDevice, "/3/0");
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(*records, DeviceRecords());
  EXPECT_EQ(Encoded(DeviceRecords(), "/3/0"), kDevice);
  // The legacy number 1543 is the same format.
  auto legacy = FromJson(kDevice, "/3/0", ContentFormat::kLegacyJson);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(*legacy, DeviceRecords());
}

TEST(Lwm2mJsonTest, BaseNamesOfEveryShape) {
  // Root base name, none at all, one without its leading slash, one cut inside an id.
  for (std::string_view json : {
           R"({"bn":"/","e":[{"n":"3/0/9","v":100}]})",
           R"({"e":[{"n":"/3/0/9","v":100}]})",
           R"({"bn":"3/0/","e":[{"n":"9","v":100}]})",
           R"({"bn":"/3/0/9","e":[{"v":100}]})",
       }) {
    auto records = FromJson(json, "/3/0");
    ASSERT_TRUE(records) << json << ": " << records.error().message;
    EXPECT_EQ(*records, std::vector<Record>{At("/3/0/9", I{100})}) << json;
  }
  auto cut = FromJson(R"({"bn":"3/0/1","e":[{"n":"1/0","v":0},{"n":"1/1","v":1}]})", "/3/0/11");
  ASSERT_TRUE(cut);
  EXPECT_EQ(*cut, (std::vector<Record>{At("/3/0/11/0", I{0}), At("/3/0/11/1", I{1})}));
  EXPECT_EQ(Encoded({At("/3/0/9", I{100})}, "/3/0/9"), R"({"bn":"/3/0/9","e":[{"v":100}]})");
  EXPECT_EQ(Encoded({}, "/3/0"), R"({"bn":"/3/0/","e":[]})");
}

TEST(Lwm2mJsonTest, TimesAreBaseTimePlusTime) {
  auto records =
      FromJson(R"({"bn":"/1024/0/","e":[{"n":"1","v":22.9,"t":-30},{"n":"1","v":22.4,"t":-5},)"
               R"({"n":"0","sv":"a string","t":-5}],"bt":25462634})",
               "/1024/0");
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(*records,
            (std::vector<Record>{At("/1024/0/1", 22.9, 25462634.0 - 30),
                                 At("/1024/0/1", 22.4, 25462634.0 - 5),
                                 At("/1024/0/0", std::string("a string"), 25462634.0 - 5)}));
  EXPECT_EQ(Encoded({At("/1024/0/1", 22.4, 1700000000.0)}, "/1024/0/1"),
            R"({"bn":"/1024/0/1","e":[{"v":22.4,"t":1700000000}]})");
}

TEST(Lwm2mJsonTest, OpaqueBooleanAndLinks) {
  auto records = FromJson(R"({"bn":"/","e":[{"n":"5/0/0","sv":"AQIDBAU="},{"n":"1/0/6","bv":true},)"
                          R"({"n":"66/0/2","ov":"67:0"},{"n":"1024/0/1","v":10.5}]})",
                          "/");
  ASSERT_TRUE(records) << records.error().message;
  std::vector<Record> expected = {At("/5/0/0", Opaque{1, 2, 3, 4, 5}), At("/1/0/6", true),
                                  At("/66/0/2", ObjectLink{67, 0}), At("/1024/0/1", 10.5)};
  EXPECT_EQ(*records, expected);
  EXPECT_EQ(Encoded(expected, "/"),
            R"({"bn":"/","e":[{"n":"1/0/6","bv":true},{"n":"5/0/0","sv":"AQIDBAU="},)"
            R"({"n":"66/0/2","ov":"67:0"},{"n":"1024/0/1","v":10.5}]})");
}

TEST(Lwm2mJsonTest, RefusesMalformedAndMistypedDocuments) {
  for (std::string_view json : {
           R"([])",
           R"({})",
           R"({"bn":"/3/0/"})",
           R"({"bn":3,"e":[]})",
           R"({"e":{}})",
           R"({"e":[],"x":1})",
           R"({"e":[1]})",
           R"({"e":[{"n":"/3/0/9","v":"1"}]})",
           R"({"e":[{"n":"/3/0/9","v":1,"vs":"x"}]})",
           R"({"e":[{"n":"/3/0/0","sv":"a","bv":true}]})",
           R"({"e":[{"n":"/3/0/0","bv":1}]})",
           R"({"e":[{"n":"/3/0/9"}]})",
           R"({"e":[{"n":"/3/0/9","v":1,"t":"x"}]})",
           R"({"e":[{"n":"/5/0/0","sv":"%%"}]})",
           R"({"e":[{"n":"/66/0/2","ov":"67"}]})",
           R"({"e":[{"n":"/4/0/0","v":1}]})",
           R"({"e":[{"v":1}]})",
           R"({"e":[{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}]})",
           R"({"e":[)",
       }) {
    auto result = FromJson(json, "/3");
    EXPECT_FALSE(result) << json;
  }
}

}  // namespace
}  // namespace custos::lwm2m::format
