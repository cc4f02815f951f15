// TLV vectors are the examples of TS Core's TLV section (Device, Access Control, Server and
// the Objlnk objects 65 and 66), decoded and re-encoded byte for byte.
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

// Read /3/0 answered with the resources only.
const auto kDevice =
    Hex("C800144F70656E204D6F62696C6520416C6C69616E6365"
        "C801164C69676874776569676874204D324D20436C69656E74"
        "C80209333435303030313233"
        "C303312E30"
        "8606 410001 410105"
        "8807 08 42000ED8 42011388"
        "8708 41007D 42010384"
        "C10964 C10A0F"
        "830B 410000"
        "C40D5182428F"
        "C60E2B30323A3030"
        "C11055");
// The same, inside its object instance.
const auto kDeviceInInstance = [] {
  auto out = Hex("080079");
  out.insert(out.end(), kDevice.begin(), kDevice.end());
  return out;
}();
// Read /2: two Access Control instances, one with a 16-bit resource instance id.
const auto kAcl =
    Hex("08000E C10001 C10100 830241 7F07 C1037F"
        "080212 C10003 C10100 870241 7F07 61013601 C1037F");
// Read /1: one Server instance.
const auto kServer = Hex("08000F C10001 C40100015180 C10601 C10755");
// Read /65/0: a multiple Objlnk resource, a string and an integer.
const auto kObject65 =
    Hex("88000C 440000420000 440100420001"
        "C8010D38363133383030373535353030"
        "C40212345678");
// Read /66: two instances, the second with the null Objlnk 65535:65535.
const auto kObject66 =
    Hex("080026 C8000B6D79536572766963652031 C8010F496E7465726E65742E31352E323334 C40200430000"
        "080126 C8000B6D79536572766963652032 C8010F496E7465726E65742E31352E323335 C402FFFFFFFF");

std::vector<Record> Decoded(const std::vector<std::uint8_t>& bytes, std::string_view base) {
  auto records = Decode(ContentFormat::kTlv, bytes, ParsePath(base).value(), ExampleTypes());
  EXPECT_TRUE(records) << records.error().message;
  return records.value_or(std::vector<Record>{});
}

std::string Encoded(const std::vector<Record>& records, std::string_view base) {
  auto bytes = Encode(ContentFormat::kTlv, records, ParsePath(base).value());
  EXPECT_TRUE(bytes) << bytes.error().message;
  return ToHex(bytes.value_or(std::vector<std::uint8_t>{}));
}

TEST(TlvTest, DecodesTheDeviceExampleWithOrWithoutItsInstance) {
  EXPECT_EQ(Decoded(kDevice, "/3/0"), DeviceRecords());
  EXPECT_EQ(Decoded(kDeviceInInstance, "/3/0"), DeviceRecords());
  EXPECT_EQ(Decoded(kDeviceInInstance, "/3"), DeviceRecords());
}

TEST(TlvTest, EncodesTheDeviceExampleByteForByte) {
  EXPECT_EQ(Encoded(DeviceRecords(), "/3/0"), ToHex(kDevice));
  EXPECT_EQ(Encoded(DeviceRecords(), "/3"), ToHex(kDeviceInInstance));
}

TEST(TlvTest, AccessControlInstancesWithSixteenBitIds) {
  std::vector<Record> expected = {
      At("/2/0/0", I{1}),     At("/2/0/1", I{0}),     At("/2/0/2/127", I{7}),
      At("/2/0/3", I{127}),   At("/2/2/0", I{3}),     At("/2/2/1", I{0}),
      At("/2/2/2/127", I{7}), At("/2/2/2/310", I{1}), At("/2/2/3", I{127}),
  };
  EXPECT_EQ(Decoded(kAcl, "/2"), expected);
  EXPECT_EQ(Encoded(expected, "/2"), ToHex(kAcl));
}

TEST(TlvTest, ServerInstanceWithBooleanAndFourByteInteger) {
  std::vector<Record> expected = {At("/1/0/0", I{1}), At("/1/0/1", I{86400}), At("/1/0/6", true),
                                  At("/1/0/7", std::string("U"))};
  EXPECT_EQ(Decoded(kServer, "/1"), expected);
  EXPECT_EQ(Encoded(expected, "/1"), ToHex(kServer));
}

TEST(TlvTest, ObjectLinksIncludingTheNullLink) {
  std::vector<Record> o65 = {At("/65/0/0/0", ObjectLink{66, 0}), At("/65/0/0/1", ObjectLink{66, 1}),
                             At("/65/0/1", std::string("8613800755500")),
                             At("/65/0/2", I{0x12345678})};
  EXPECT_EQ(Decoded(kObject65, "/65/0"), o65);
  EXPECT_EQ(Encoded(o65, "/65/0"), ToHex(kObject65));
  std::vector<Record> o66 = {At("/66/0/0", std::string("myService 1")),
                             At("/66/0/1", std::string("Internet.15.234")),
                             At("/66/0/2", ObjectLink{67, 0}),
                             At("/66/1/0", std::string("myService 2")),
                             At("/66/1/1", std::string("Internet.15.235")),
                             At("/66/1/2", ObjectLink{65535, 65535})};
  EXPECT_EQ(Decoded(kObject66, "/66"), o66);
  EXPECT_EQ(Encoded(o66, "/66"), ToHex(kObject66));
}

TEST(TlvTest, ResourceLevelRequests) {
  // Read /3/0/6: the instances bare, or inside their multiple resource.
  std::vector<Record> sources = {At("/3/0/6/0", I{1}), At("/3/0/6/1", I{5})};
  EXPECT_EQ(Decoded(Hex("410001 410105"), "/3/0/6"), sources);
  EXPECT_EQ(Decoded(Hex("8606 410001 410105"), "/3/0/6"), sources);
  EXPECT_EQ(Encoded(sources, "/3/0/6"), "8606410001410105");
  // Read /3/0/9 and /3/0/6/1.
  EXPECT_EQ(Decoded(Hex("C10964"), "/3/0/9"), std::vector<Record>{At("/3/0/9", I{100})});
  EXPECT_EQ(Encoded({At("/3/0/9", I{100})}, "/3/0/9"), "c10964");
  EXPECT_EQ(Decoded(Hex("410105"), "/3/0/6/1"), std::vector<Record>{At("/3/0/6/1", I{5})});
  EXPECT_EQ(Encoded({At("/3/0/6/1", I{5})}, "/3/0/6/1"), "410105");
  // Empty payloads are no records.
  EXPECT_TRUE(Decoded({}, "/3/0").empty());
}

TEST(TlvTest, IntegerAndFloatWidths) {
  struct Case {
    Value value;
    const char* hex;  // the value bytes of a resource TLV with id 1
  };
  for (const auto& [value, hex] : std::vector<Case>{
           {I{0}, "c10100"},
           {I{-1}, "c101ff"},
           {I{127}, "c1017f"},
           {I{128}, "c2010080"},
           {I{-129}, "c201ff7f"},
           {I{40000}, "c40100009c40"},
           {I{-2147483648LL}, "c40180000000"},
           {I{2147483648LL}, "c801080000000080000000"},
           {std::uint64_t{255}, "c101ff"},
           {std::uint64_t{65536}, "c40100010000"},
           {std::uint64_t{0xFFFFFFFFFFFFFFFFULL}, "c80108ffffffffffffffff"},
           {1.5, "c4013fc00000"},
           {0.1, "c801083fb999999999999a"},
       }) {
    EXPECT_EQ(Encoded({At("/1024/0/1", value)}, "/1024/0/1"), hex);
  }
  // Decoding takes each width back, typed by the resolver.
  auto types = [](ResourceType t) {
    return [t](const Path&) -> std::optional<ResourceType> { return t; };
  };
  auto one = [&](std::string_view hex, ResourceType t) -> Value {
    auto r = Decode(ContentFormat::kTlv, Hex(hex), ParsePath("/9/0/1").value(), types(t));
    EXPECT_TRUE(r && r->size() == 1) << hex;
    return r && r->size() == 1 ? r->at(0).value : Value{};
  };
  EXPECT_EQ(one("c201ff7f", ResourceType::kInteger), (Value{I{-129}}));
  EXPECT_EQ(one("c801080000000080000000", ResourceType::kInteger), (Value{I{2147483648LL}}));
  EXPECT_EQ(one("c80108ffffffffffffffff", ResourceType::kUnsignedInteger),
            (Value{std::uint64_t{0xFFFFFFFFFFFFFFFFULL}}));
  EXPECT_EQ(one("c4013fc00000", ResourceType::kFloat), (Value{1.5}));
  EXPECT_EQ(one("c801083fb999999999999a", ResourceType::kFloat), (Value{0.1}));
  EXPECT_EQ(one("c4015182428f", ResourceType::kTime), (Value{TimeValue{1367491215}}));
  EXPECT_EQ(one("c10100", ResourceType::kBoolean), (Value{false}));
  EXPECT_EQ(one("c301616263", ResourceType::kCoreLink), (Value{CoreLink{"abc"}}));
  // Unknown resources keep their bytes.
  auto unknown = Decode(ContentFormat::kTlv, Hex("c301616263"), ParsePath("/9/0/1").value(), {});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->at(0).value, (Value{Opaque{'a', 'b', 'c'}}));
}

TEST(TlvTest, LengthFieldsOfEverySize) {
  std::string s300(300, 'x');
  auto bytes = Encode(ContentFormat::kTlv, std::vector<Record>{At("/3/0/0", s300)},
                      ParsePath("/3/0/0").value());
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ToHex(*bytes).substr(0, 8), "d000012c");  // 16-bit length
  std::string s70000(70000, 'y');
  bytes = Encode(ContentFormat::kTlv, std::vector<Record>{At("/3/0/300", s70000)},
                 ParsePath("/3/0/300").value());
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ToHex(*bytes).substr(0, 12), "f8012c011170");  // 16-bit id, 24-bit length
  auto back = Decode(ContentFormat::kTlv, *bytes, ParsePath("/3/0/300").value(), {});
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<Opaque>(back->at(0).value).size(), 70000u);
}

TEST(TlvTest, RefusesMalformedInputWithItsOffset) {
  struct Case {
    const char* name;
    const char* hex;
    const char* base;
    std::optional<std::size_t> position;
  };
  for (const auto& c : std::vector<Case>{
           {"header cut", "C8", "/3/0", 0},
           {"16-bit id cut", "E100", "/3/0", 0},
           {"length field cut", "D000", "/3/0", 0},
           {"value past the end", "C30341", "/3/0", 0},
           {"8-bit length past the end", "C800144F70", "/3/0", 0},
           {"second element past the end", "C10964 C10A", "/3/0", 3},
           {"nested element after its parent", "8306 410001 410105", "/3/0", 5},
           {"length bits beside a length field", "C90901 64", "/3/0", 0},
           {"reserved id 65535", "E1FFFF64", "/3/0", 1},
           {"instance inside an instance", "080003 080000", "/3", 3},
           {"resource instance inside an instance", "080003 410001", "/3", 3},
           {"resource inside a multiple resource", "8303 C10001", "/3/0", 2},
           {"resource at object level", "C10964", "/3", 0},
           {"instance for the root", "080000", "/", 0},
           {"resource instance for an instance", "410001", "/3/0", 0},
           {"instance not on the path", "080100", "/3/0", 0},
           {"resource not on the path", "C10A0F", "/3/0/9", 0},
           {"integer of three bytes", "C309000001", "/3/0", 2},
           {"empty integer", "C009", "/3/0", 2},
           {"boolean 2", "C10602", "/1/0", 2},
           {"boolean of two bytes", "C2060001", "/1/0", 2},
           {"float of two bytes", "C2010000", "/1024/0", 2},
           {"objlnk of three bytes", "C302000000", "/66/0", 2},
           {"invalid UTF-8", "C100FF", "/3/0", 2},
           {"value of an executable", "C00400", "/3/0", 2},
       }) {
    auto result =
        Decode(ContentFormat::kTlv, Hex(c.hex), ParsePath(c.base).value(), ExampleTypes());
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(result.error().position, c.position) << c.name << ": " << result.error().message;
  }
  // Repeats are a fault of the whole payload: no offset.
  for (const char* hex : {"C10964 C10965", "8606 410001 410001"}) {
    auto result = Decode(ContentFormat::kTlv, Hex(hex), ParsePath("/3/0").value(), {});
    ASSERT_FALSE(result) << hex;
    EXPECT_NE(result.error().message.find("twice"), std::string::npos) << result.error().message;
  }
}

TEST(TlvTest, RefusesWhatItCannotEncode) {
  auto refuse = [](std::vector<Record> records, std::string_view base) {
    auto result = Encode(ContentFormat::kTlv, records, ParsePath(base).value());
    EXPECT_FALSE(result) << base;
    return result ? std::string() : result.error().message;
  };
  EXPECT_NE(refuse({At("/3/0/9", I{1})}, "/").find("one object"), std::string::npos);
  EXPECT_NE(refuse({At("/3/0/9", I{1}), At("/3/0/9/0", I{2})}, "/3/0").find("both"),
            std::string::npos);
  EXPECT_NE(refuse({At("/3/0/9", I{1}), At("/3/0/9", I{2})}, "/3/0").find("twice"),
            std::string::npos);
  EXPECT_NE(refuse({At("/4/0/9", I{1})}, "/3").find("outside"), std::string::npos);
  EXPECT_NE(refuse({At("/3/0", I{1})}, "/3").find("not a resource"), std::string::npos);
  EXPECT_NE(refuse({At("/3/0/9", I{1}, 5.0)}, "/3/0").find("time"), std::string::npos);
}

}  // namespace
}  // namespace custos::lwm2m::format
