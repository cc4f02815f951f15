// The Device vector is TS Core's SenML CBOR example of a Read on /3/0.
#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

using testing::At;
using testing::DeviceRecords;
using testing::ExampleTypes;
using testing::Hex;
using testing::ToHex;
using I = std::int64_t;

const std::string kDevice =
    "90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e6365a200613103764c696768"
    "747765696768"
    "74204d324d20436c69656e74a20061320369333435303030313233a20061330363312e30a20063362f300201a2"
    "0063362f310205a20063372f"
    "3002190ed8a20063372f3102191388a20063382f3002187da20063382f3102190384a2006139021864a2006231"
    "30020fa2006431312f300200"
    "a200623133021a5182428fa20062313403662b30323a3030a200623136036155";

core::Result<std::vector<Record>> FromCbor(std::string_view hex, std::string_view base,
                                           const TypeResolver& types = ExampleTypes()) {
  return Decode(ContentFormat::kSenmlCbor, Hex(hex), ParsePath(base).value(), types);
}

std::vector<Record> Decoded(std::string_view hex, std::string_view base) {
  auto records = FromCbor(hex, base);
  EXPECT_TRUE(records) << records.error().message;
  return records.value_or(std::vector<Record>{});
}

std::string Encoded(const std::vector<Record>& records, std::string_view base) {
  auto bytes = Encode(ContentFormat::kSenmlCbor, records, ParsePath(base).value());
  EXPECT_TRUE(bytes) << bytes.error().message;
  return ToHex(bytes.value_or(std::vector<std::uint8_t>{}));
}

TEST(SenmlCborTest, TheDeviceExampleBothWays) {
  EXPECT_EQ(Decoded(kDevice, "/3/0"), DeviceRecords());
  EXPECT_EQ(Encoded(DeviceRecords(), "/3/0"), kDevice);
}

TEST(SenmlCborTest, OpaqueAndFloatValues) {
  // [{-2: "/0/0/3", 8: h'ABCDEF'}]
  std::vector<Record> opaque = {At("/0/0/3", Opaque{0xAB, 0xCD, 0xEF})};
  EXPECT_EQ(Decoded("81a221662f302f302f330843abcdef", "/0/0/3"), opaque);
  EXPECT_EQ(Encoded(opaque, "/0/0/3"), "81a221662f302f302f330843abcdef");
  // [{2: 300.0, -2: "/3442/0/130"}]: a half-precision float, labels in any order.
  auto half = FromCbor("81a202f95cb0216b2f333434322f302f313330", "/3442/0/130", {});
  ASSERT_TRUE(half);
  EXPECT_EQ(*half, std::vector<Record>{At("/3442/0/130", 300.0)});
  // Floats go out in the shortest width that holds them (RFC 8949 §4.1).
  EXPECT_EQ(Encoded({At("/1024/0/1", 300.0)}, "/1024/0/1"), "81a221692f313032342f302f3102f95cb0");
  EXPECT_EQ(Encoded({At("/1024/0/1", 100000.0)}, "/1024/0/1"),
            "81a221692f313032342f302f3102fa47c35000");
  EXPECT_EQ(Encoded({At("/1024/0/1", 0.1)}, "/1024/0/1"),
            "81a221692f313032342f302f3102fb3fb999999999999a");
  EXPECT_EQ(Encoded({At("/1024/0/1", -0.0)}, "/1024/0/1"), "81a221692f313032342f302f3102f98000");
  // Negative integers, unsigned ones past int64, booleans and links.
  EXPECT_EQ(Encoded({At("/3/0/9", I{-500})}, "/3/0/9"), "81a221662f332f302f39023901f3");
  EXPECT_EQ(Encoded({At("/0/0/16", std::uint64_t{18446744073709551615ULL})}, "/0/0/16"),
            "81a221672f302f302f3136021bffffffffffffffff");
  EXPECT_EQ(Encoded({At("/1/0/6", true)}, "/1/0/6"), "81a221662f312f302f3604f5");
  EXPECT_EQ(Encoded({At("/66/0/2", ObjectLink{3, 0})}, "/66/0/2"),
            "81a221672f36362f302f3263766c6f63333a30");
}

TEST(SenmlCborTest, EveryTypeRoundTrips) {
  std::vector<Record> records = {
      At("/1024/0/0", std::string("s")),
      At("/1024/0/1", 1.25),
      At("/1024/0/2", false),
      At("/1024/0/3", CoreLink{"</1>"}),
      At("/66/0/2", ObjectLink{65535, 65535}),
      At("/0/0/3", Opaque{}),
      At("/0/0/16", std::uint64_t{1}),
      At("/3/0/13", TimeValue{-1}),
      At("/3/0/9", I{-9223372036854775807LL - 1}),
  };
  auto bytes = Encode(ContentFormat::kSenmlCbor, records, Path::Root());
  ASSERT_TRUE(bytes);
  auto back = Decode(ContentFormat::kSenmlCbor, *bytes, Path::Root(), ExampleTypes());
  ASSERT_TRUE(back) << back.error().message;
  auto sorted = records;
  std::sort(sorted.begin(), sorted.end(),
            [](const Record& a, const Record& b) { return a.path < b.path; });
  EXPECT_EQ(*back, sorted);
}

TEST(SenmlCborTest, SendWithTimesAndIndefiniteLengths) {
  // [_ {_ -2: "/3303/0/5700", -3: 1700000000, 2: 22.5, 6: -5, "u": "Cel"}, {0: "x"...}]
  // written by hand: an indefinite array of indefinite maps, a unit to skip, relative time.
  std::string hex =
      "9f"
      "bf 21 6c2f333330332f302f35373030 22 1a6553f100 02 f94da0 06 24 61 75 63 43656c ff"
      "bf 06 23 02 f94dc0 ff"
      "ff";
  auto records = FromCbor(hex, "/");
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(records->at(0), At("/3303/0/5700", 22.5, 1700000000.0 - 5));
  EXPECT_EQ(records->at(1), At("/3303/0/5700", 23.0, 1700000000.0 - 4));
  // Times are written as integers when whole, floats otherwise.
  EXPECT_EQ(Encoded({At("/3303/0/5700", 22.5, 1700000000.0)}, "/3303/0/5700"),
            "81a3216c2f333330332f302f3537303002f94da0061a6553f100");
  EXPECT_EQ(Encoded({At("/3303/0/5700", 22.5, 1.5)}, "/3303/0/5700"),
            "81a3216c2f333330332f302f3537303002f94da006f93e00");
}

TEST(SenmlCborTest, PathListsForCompositeRequests) {
  std::vector<Path> paths = {ParsePath("/3/0/0").value(), ParsePath("/1/0/1").value()};
  auto bytes = EncodePaths(ContentFormat::kSenmlCbor, paths);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ToHex(*bytes), "82a100662f332f302f30a100662f312f302f31");
  auto back = DecodePaths(ContentFormat::kSenmlCbor, *bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, paths);
}

TEST(SenmlCborTest, RefusesMalformedInputWithItsOffset) {
  struct Case {
    const char* name;
    const char* hex;
    std::optional<std::size_t> position;
  };
  for (const auto& c : std::vector<Case>{
           {"not an array", "a0", 0},
           {"record not a map", "8101", 1},
           {"array cut", "82a100662f332f302f39", 10},
           {"text cut", "81a100662f332f", 3},
           {"bytes after the pack", "80 00", 1},
           {"reserved additional info", "81 bc", 1},
           {"label of a float", "81a1f93c0001", 2},
           {"name not a text", "81a10001", 3},
           {"value not a number", "81a200662f332f302f390261", 11},
           {"boolean not a boolean", "81a200662f312f302f360401", 11},
           {"vd not bytes", "81a200662f302f302f330861", 11},
           {"indefinite text of bytes", "81a1007f4161ff", 4},
           {"must-understand text label", "81a162785f01", 2},
           {"break inside a definite map", "81a100ff", 3},
           {"nesting too deep to skip", "81a10a8181818181818181818181818181818101", std::nullopt},
       }) {
    auto result = FromCbor(c.hex, "/");
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument) << c.name;
    if (c.position) {
      EXPECT_EQ(result.error().position, c.position) << c.name << ": " << result.error().message;
    }
  }
  // Labels SenML does not define, integer or text, are skipped whole.
  auto skipped = FromCbor("81a4 00 662f332f302f39 02 01 0a 82 01 a1 01 02 63 78797a 80", "/");
  ASSERT_TRUE(skipped) << skipped.error().message;
  EXPECT_EQ(*skipped, std::vector<Record>{At("/3/0/9", I{1})});
}

}  // namespace
}  // namespace custos::lwm2m::format
