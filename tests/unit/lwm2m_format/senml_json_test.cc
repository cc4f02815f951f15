// The Device vector is TS Core's SenML JSON example of a Read on /3/0.
#include <fmt/format.h>
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
    R"([{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},)"
    R"({"n":"1","vs":"Lightweight M2M Client"},{"n":"2","vs":"345000123"},{"n":"3","vs":"1.0"},)"
    R"({"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},)"
    R"({"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},)"
    R"({"n":"11/0","v":0},{"n":"13","v":1367491215},{"n":"14","vs":"+02:00"},)"
    R"({"n":"16","vs":"U"}])";

core::Result<std::vector<Record>> FromJson(std::string_view json, std::string_view base) {
  return Decode(ContentFormat::kSenmlJson, Text(json), ParsePath(base).value(), ExampleTypes());
}

std::vector<Record> Decoded(std::string_view json, std::string_view base) {
  auto records = FromJson(json, base);
  EXPECT_TRUE(records) << records.error().message;
  return records.value_or(std::vector<Record>{});
}

std::string Encoded(const std::vector<Record>& records, std::string_view base) {
  auto bytes = Encode(ContentFormat::kSenmlJson, records, ParsePath(base).value());
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? AsText(*bytes) : "";
}

TEST(SenmlJsonTest, TheDeviceExampleBothWays) {
  EXPECT_EQ(Decoded(kDevice, "/3/0"), DeviceRecords());
  EXPECT_EQ(Encoded(DeviceRecords(), "/3/0"), kDevice);
  // Blanks and field order do not matter to the decoder.
  EXPECT_EQ(Decoded(R"([ {"vs": "U", "n": "16", "bn": "/3/0/"} ])", "/3"),
            std::vector<Record>{At("/3/0/16", std::string("U"))});
}

TEST(SenmlJsonTest, SingleAndMultipleResources) {
  std::vector<Record> single = {At("/3/0/0", std::string("Open Mobile Alliance"))};
  EXPECT_EQ(Decoded(R"([{"bn":"/3/0/0","vs":"Open Mobile Alliance"}])", "/3/0/0"), single);
  EXPECT_EQ(Encoded(single, "/3/0/0"), R"([{"bn":"/3/0/0","vs":"Open Mobile Alliance"}])");
  EXPECT_EQ(Decoded(R"([{"n":"/1024/0/1","v":20.0}])", "/1024/0/1"),
            std::vector<Record>{At("/1024/0/1", 20.0)});
  std::vector<Record> multiple = {At("/3/0/7/0", I{3800}), At("/3/0/7/1", I{5000})};
  constexpr std::string_view kMultiple =
      R"([{"bn":"/3/0/7/","n":"0","v":3800},{"n":"1","v":5000}])";
  EXPECT_EQ(Decoded(kMultiple, "/3/0/7"), multiple);
  EXPECT_EQ(Encoded(multiple, "/3/0/7"), kMultiple);
  // Exponents, and integers past int64.
  EXPECT_EQ(Decoded(R"([{"bn":"/3/0/13","v":1.638435E9}])", "/3/0/13"),
            std::vector<Record>{At("/3/0/13", TimeValue{1638435000})});
  EXPECT_EQ(Decoded(R"([{"n":"/0/0/16","v":18446744073709551615}])", "/0/0/16"),
            std::vector<Record>{At("/0/0/16", std::uint64_t{18446744073709551615ULL})});
}

TEST(SenmlJsonTest, ObjectsWithSeveralInstancesChangeTheBaseName) {
  constexpr std::string_view kAcl =
      R"([{"bn":"/2/2/","n":"0","v":4},{"n":"1","v":2},{"n":"3","v":124},)"
      R"({"bn":"/2/3/","n":"0","v":3},{"n":"1","v":1},{"n":"3","v":123}])";
  std::vector<Record> acl = {At("/2/2/0", I{4}), At("/2/2/1", I{2}), At("/2/2/3", I{124}),
                             At("/2/3/0", I{3}), At("/2/3/1", I{1}), At("/2/3/3", I{123})};
  EXPECT_EQ(Decoded(kAcl, "/2"), acl);
  EXPECT_EQ(Encoded(acl, "/2"), kAcl);
}

TEST(SenmlJsonTest, CompositeAndSendSpanObjects) {
  // A Read-Composite answer: one base name per record.
  std::vector<Record> composite = {At("/3/0/0", std::string("Open Mobile Alliance")),
                                   At("/3/0/9", I{95}), At("/1/0/1", I{86400})};
  EXPECT_EQ(Decoded(R"([{"bn":"/3/0/0","vs":"Open Mobile Alliance"},{"bn":"/3/0/9","v":95},)"
                    R"({"bn":"/1/0/1","v":86400}])",
                    "/"),
            composite);
  // Encoded from the root, in path order, a base name per instance.
  EXPECT_EQ(
      Encoded(composite, "/"),
      R"([{"bn":"/1/0/","n":"1","v":86400},{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},)"
      R"({"n":"9","v":95}])");
  // A Send of time series: base time plus time, the base time kept for later records.
  auto sent = Decoded(R"([{"bn":"/3303/0/5700","bt":1699877805.766,"v":-128.8},)"
                      R"({"bn":"/6/0/0","t":0.101,"v":-39.0},)"
                      R"({"bn":"/3303/0/5700","t":-5,"v":21}])",
                      "/");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], At("/3303/0/5700", -128.8, 1699877805.766));
  EXPECT_EQ(sent[1], At("/6/0/0", -39.0, 1699877805.766 + 0.101));
  EXPECT_EQ(sent[2], At("/3303/0/5700", 21.0, 1699877805.766 - 5));
  // Times go back out as they are, integral ones as integers.
  EXPECT_EQ(
      Encoded({At("/3303/0/5700", 22.4, 1700000000.0), At("/3303/0/5700", 22.5, 1700000060.5)},
              "/"),
      R"([{"bn":"/3303/0/","n":"5700","v":22.4,"t":1700000000},)"
      R"({"n":"5700","v":22.5,"t":1700000060.5}])");
}

TEST(SenmlJsonTest, RelativeTimesResolveAgainstNow) {
  auto records = Decoded(R"([{"bn":"/1024/0/1","v":22.9},{"v":22.4,"t":-5},)"
                         R"({"v":24.1,"t":1700000000}])",
                         "/1024/0/1");
  // The first record repeats the path with no time; the others have times.
  ASSERT_EQ(records.size(), 3u);
  ResolveRelativeTimes(records, 1800000000.0);
  EXPECT_EQ(records[0].time, std::nullopt);
  EXPECT_EQ(records[1].time, 1800000000.0 - 5);
  EXPECT_EQ(records[2].time, 1700000000.0);
}

TEST(SenmlJsonTest, EveryValueField) {
  auto records =
      Decoded(R"([{"bn":"/1024/0/","n":"0","vs":"text"},{"n":"1","v":-1.5},{"n":"2","vb":true},)"
              R"({"n":"3","vs":"</3/0>"},{"bn":"/66/0/","n":"2","vlo":"3:0"},)"
              R"({"bn":"/0/0/","n":"3","vd":"q83v"},{"n":"16","v":7}])",
              "/");
  std::vector<Record> expected = {At("/1024/0/0", std::string("text")),
                                  At("/1024/0/1", -1.5),
                                  At("/1024/0/2", true),
                                  At("/1024/0/3", CoreLink{"</3/0>"}),
                                  At("/66/0/2", ObjectLink{3, 0}),
                                  At("/0/0/3", Opaque{0xAB, 0xCD, 0xEF}),
                                  At("/0/0/16", std::uint64_t{7})};
  EXPECT_EQ(records, expected);
  // Opaque goes out in base64url without padding (RFC 8428 §4.3); both alphabets come in.
  EXPECT_EQ(Encoded({At("/0/0/3", Opaque{0xFB, 0xFF})}, "/0/0/3"),
            R"([{"bn":"/0/0/3","vd":"-_8"}])");
  EXPECT_EQ(Decoded(R"([{"bn":"/0/0/3","vd":"+/8="}])", "/0/0/3"),
            std::vector<Record>{At("/0/0/3", Opaque{0xFB, 0xFF})});
  // Resources the model does not know keep the wire's kind.
  auto unknown = Decode(ContentFormat::kSenmlJson,
                        Text(R"([{"bn":"/9/0/","n":"0","v":1},{"n":"1","v":1.5},)"
                             R"({"n":"2","vs":"s"},{"n":"3","v":1.0}])"),
                        ParsePath("/9/0").value(), {});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(*unknown, (std::vector<Record>{At("/9/0/0", I{1}), At("/9/0/1", 1.5),
                                           At("/9/0/2", std::string("s")), At("/9/0/3", 1.0)}));
  // Integral Floats keep their point so that they read back as Floats.
  EXPECT_EQ(Encoded({At("/9/0/3", 1.0)}, "/9/0/3"), R"([{"bn":"/9/0/3","v":1.0}])");
  // Strings are escaped.
  EXPECT_EQ(Encoded({At("/3/0/0", std::string("a\"b\\c\n"))}, "/3/0/0"),
            R"([{"bn":"/3/0/0","vs":"a\"b\\c\n"}])");
}

TEST(SenmlJsonTest, NumbersReadAsTheNearestDouble) {
  // Long decimals (a float32 printed with 17 digits, values near the limits) round correctly.
  for (double d : {22.899999618530273, 5.555555555555556e+110, 9.899999000000001e+43,
                   2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1e23}) {
    auto json = fmt::format(R"([{{"bn":"/1024/0/1","v":{}}}])", d);
    auto records = FromJson(json, "/1024/0/1");
    ASSERT_TRUE(records) << json;
    EXPECT_EQ(records->at(0).value, Value{d}) << json;
  }
  EXPECT_FALSE(FromJson(R"([{"bn":"/1024/0/1","v":1e999}])", "/1024/0/1"));
  // Blanks after the pack are fine, anything else is not; labels do not repeat.
  EXPECT_TRUE(FromJson("[{\"bn\":\"/1024/0/1\",\"v\":1}] \n", "/1024/0/1"));
  EXPECT_FALSE(FromJson(R"([{"bn":"/1024/0/1","v":1}] [])", "/1024/0/1"));
  auto repeated = FromJson(R"([{"bn":"/1024/0/1","v":1,"v":2}])", "/1024/0/1");
  ASSERT_FALSE(repeated);
  EXPECT_NE(repeated.error().message.find("repeated key"), std::string::npos);
}

TEST(SenmlJsonTest, BaseValuesAddToNumbers) {
  EXPECT_EQ(Decoded(R"([{"bn":"/3/0/","bv":100,"n":"9","v":-3},{"n":"10","v":5}])", "/3/0"),
            (std::vector<Record>{At("/3/0/9", I{97}), At("/3/0/10", I{105})}));
  EXPECT_EQ(Decoded(R"([{"bn":"/1024/0/1","bv":0.5,"v":1}])", "/1024/0/1"),
            std::vector<Record>{At("/1024/0/1", 1.5)});
}

TEST(SenmlJsonTest, PathListsForCompositeRequests) {
  std::vector<Path> paths = {ParsePath("/3/0/0").value(), ParsePath("/1/0").value(), Path::Root()};
  auto bytes = EncodePaths(ContentFormat::kSenmlJson, paths);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(AsText(*bytes), R"([{"n":"/3/0/0"},{"n":"/1/0"},{"n":"/"}])");
  auto back = DecodePaths(ContentFormat::kSenmlJson, *bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, paths);
  auto based = DecodePaths(ContentFormat::kSenmlJson,
                           Text(R"([{"bn":"/4/0/","n":"0"},{"n":"1"},{"n":"2"}])"));
  ASSERT_TRUE(based);
  EXPECT_EQ(based->size(), 3u);
  EXPECT_EQ(based->at(2), ParsePath("/4/0/2").value());
  EXPECT_FALSE(DecodePaths(ContentFormat::kSenmlJson, Text(R"([{"n":"/4/0/1","v":200}])")));
  EXPECT_FALSE(DecodePaths(ContentFormat::kSenmlJson, Text(R"([{"n":"/4/0/1","t":5}])")));
  EXPECT_FALSE(EncodePaths(ContentFormat::kTlv, paths));
}

TEST(SenmlJsonTest, EmptyPayloadsAndPacks) {
  EXPECT_TRUE(Decoded("", "/3/0/6").empty());
  EXPECT_TRUE(Decoded("[]", "/3/0/6").empty());
  EXPECT_EQ(Encoded({}, "/3/0"), "[]");
}

TEST(SenmlJsonTest, RefusesMalformedAndMistypedPacks) {
  struct Case {
    const char* json;
    const char* base;
    const char* why;  // a word of the message
  };
  for (const auto& c : std::vector<Case>{
           {R"([{"bn":"/3/0/","n":"0","vs":"x"})", "/3/0", "invalid JSON"},
           {R"({"bn":"/3/0/"})", "/3/0", "array"},
           {R"([1])", "/3/0", "object"},
           {R"([{"n":"/3/0/0","vs":"x"}] x)", "/3/0", "invalid JSON"},
           {R"([{"vs":"x"}])", "/3/0", "no name"},
           {R"([{"n":"/3/0/x","vs":"x"}])", "/3/0", "not an LwM2M path"},
           {R"([{"n":"/3/0","vs":"x"}])", "/3", "not a resource"},
           {R"([{"n":"/4/0/0","v":1}])", "/3/0", "outside"},
           {R"([{"n":"/3/0/0"}])", "/3/0", "no value"},
           {R"([{"n":"/3/0/0","vs":"a","vb":true}])", "/3/0", "more than one"},
           {R"([{"n":"/3/0/0","v":1}])", "/3/0", "a number"},
           {R"([{"n":"/3/0/9","vs":"1"}])", "/3/0", "\"vs\""},
           {R"([{"n":"/3/0/9","v":1.5}])", "/3/0", "not an integer"},
           {R"([{"n":"/3/0/9","v":9223372036854775808}])", "/3/0", "out of range"},
           {R"([{"n":"/0/0/16","v":-1}])", "/0/0", "negative"},
           {R"([{"n":"/1/0/6","v":1}])", "/1/0", "a number"},
           {R"([{"n":"/3/0/0","vb":true}])", "/3/0", "\"vb\""},
           {R"([{"n":"/0/0/3","vd":"q83v!"}])", "/0/0", "base64"},
           {R"([{"n":"/3/0/0","vd":"q83v"}])", "/3/0", "\"vd\""},
           {R"([{"n":"/66/0/2","vlo":"3"}])", "/66/0", "oid:iid"},
           {R"([{"n":"/3/0/0","vlo":"3:0"}])", "/3/0", "\"vlo\""},
           {R"([{"n":"/3/0/4","vs":"x"}])", "/3/0", "none"},
           {R"([{"n":"/3/0/0","vs":1}])", "/3/0", "a string"},
           {R"([{"n":"/3/0/9","v":"1"}])", "/3/0", "a number"},
           {R"([{"n":"/3/0/0","vs":"x","t":"now"}])", "/3/0", "a number"},
           {R"([{"n":"/3/0/0","vs":"x","xyz_":1}])", "/3/0", "must-understand"},
           {R"([{"bver":11,"n":"/3/0/0","vs":"x"}])", "/3/0", "version"},
           {R"([{"n":"/3/0/0","vs":"x"},{"n":"/3/0/0","vs":"y"}])", "/3/0", "twice"},
           {R"([[[[[[[[[[1]]]]]]]]]])", "/", "invalid JSON"},
       }) {
    auto result = FromJson(c.json, c.base);
    ASSERT_FALSE(result) << c.json;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message.find(c.why), std::string::npos)
        << c.json << ": " << result.error().message;
  }
  // Syntax errors name their byte.
  auto cut = FromJson(R"([{"n":"/3/0/0","vs":"x"},{"n")", "/3/0");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().position, 29u);
}

}  // namespace
}  // namespace custos::lwm2m::format
