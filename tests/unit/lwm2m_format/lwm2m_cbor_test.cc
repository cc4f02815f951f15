// Decoding vectors follow the shapes TS Core 1.2 allows for LwM2M CBOR keys (single ids,
// arrays of ids, nested maps, definite or indefinite lengths); several are the vectors of an
// independent implementation's test suite (AVSystem Anjay, tests/core/io/lwm2m_cbor_in.c).
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

core::Result<std::vector<Record>> FromCbor(std::string_view hex, std::string_view base,
                                           const TypeResolver& types = {}) {
  return Decode(ContentFormat::kLwm2mCbor, Hex(hex), ParsePath(base).value(), types);
}

std::string Encoded(const std::vector<Record>& records, std::string_view base) {
  auto bytes = Encode(ContentFormat::kLwm2mCbor, records, ParsePath(base).value());
  EXPECT_TRUE(bytes) << bytes.error().message;
  return ToHex(bytes.value_or(std::vector<std::uint8_t>{}));
}

TEST(Lwm2mCborTest, EveryShapeOfKey) {
  const std::vector<Record> one = {At("/13/26/1", I{42})};
  for (std::string_view hex : {
           "A1 83 0D 18 1A 01 18 2A",              // {[13, 26, 1]: 42}
           "BF 9F 0D 18 1A 01 FF 18 2A FF",        // {_ [_ 13, 26, 1]: 42}
           "A1 0D A1 18 1A A1 01 18 2A",           // {13: {26: {1: 42}}}
           "A1 81 0D A1 81 18 1A A1 81 01 18 2A",  // {[13]: {[26]: {[1]: 42}}}
           "BF 9F 0D FF BF 9F 18 1A FF BF 9F 01 FF 18 2A FF FF FF",
       }) {
    auto records = FromCbor(hex, "/13/26/1");
    ASSERT_TRUE(records) << hex << ": " << records.error().message;
    EXPECT_EQ(*records, one) << hex;
  }
  const std::vector<Record> two = {At("/13/26/1", I{42}), At("/13/26/2", I{21})};
  for (std::string_view hex : {
           "A1 82 0D 18 1A A2 01 18 2A 02 15",                 // {[13, 26]: {1: 42, 2: 21}}
           "A2 83 0D 18 1A 01 18 2A 83 0D 18 1A 02 15",        // two full paths
           "A2 82 0D 18 1A A1 01 18 2A 83 0D 18 1A 02 15",     // a map and a full path
           "A2 83 0D 18 1A 01 18 2A 82 0D 18 1A A1 81 02 15",  // a full path and a map
       }) {
    auto records = FromCbor(hex, "/13/26");
    ASSERT_TRUE(records) << hex << ": " << records.error().message;
    EXPECT_EQ(*records, two) << hex;
  }
  // {13: {26: {1: 1}}, 14: {27: {2: 2}}}: a composite answer across objects.
  auto composite = FromCbor("A2 0D A1 18 1A A1 01 01 0E A1 18 1B A1 02 02", "/");
  ASSERT_TRUE(composite);
  EXPECT_EQ(*composite, (std::vector<Record>{At("/13/26/1", I{1}), At("/14/27/2", I{2})}));
}

TEST(Lwm2mCborTest, EveryValueType) {
  // {[13, 26]: {1: 1, 2: -1, 3: 2.5, 4: "test", 5: h'11223344', 6: "12:34", 7: 1}}, the types
  // of 6 and 7 from the model (Objlnk, Time).
  auto types = [](const Path& path) -> std::optional<ResourceType> {
    if (path.resource == 6) return ResourceType::kObjectLink;
    if (path.resource == 7) return ResourceType::kTime;
    return std::nullopt;
  };
  auto records = FromCbor(
      "A1 82 0D 18 1A A7 01 01 02 20 03 F9 41 00 04 64 74 65 73 74 05 44 11 22 33 44"
      " 06 65 31 32 3A 33 34 07 01",
      "/13/26", types);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(*records,
            (std::vector<Record>{
                At("/13/26/1", I{1}), At("/13/26/2", I{-1}), At("/13/26/3", 2.5),
                At("/13/26/4", std::string("test")), At("/13/26/5", Opaque{0x11, 0x22, 0x33, 0x44}),
                At("/13/26/6", ObjectLink{12, 34}), At("/13/26/7", TimeValue{1})}));
  // Chunked strings, booleans, tag 1 around a time, resource instances.
  auto more = FromCbor("A1 83 0D 18 1A 01 A3 00 7F 62 61 62 61 63 FF 01 F5 02 C1 1A 65 53 F1 00",
                       "/13/26/1");
  ASSERT_TRUE(more) << more.error().message;
  EXPECT_EQ(*more,
            (std::vector<Record>{At("/13/26/1/0", std::string("abc")), At("/13/26/1/1", true),
                                 At("/13/26/1/2", TimeValue{1700000000})}));
}

TEST(Lwm2mCborTest, EncodesNestedMapsUnderTheRequestPath) {
  // {[3, 0]: {0: "Open Mobile Alliance", ..., 6: {0: 1, 1: 5}, ...}}
  auto device = Encoded(DeviceRecords(), "/3/0");
  EXPECT_EQ(device.substr(0, 10), "a1820300ad");  // one key [3, 0], a map of 13 resources
  EXPECT_NE(device.find("06a20001"
                        "0105"),
            std::string::npos);                               // 6: {0: 1, 1: 5}
  EXPECT_NE(device.find("0d1a5182428f"), std::string::npos);  // 13: 1367491215
  auto back =
      Decode(ContentFormat::kLwm2mCbor, Hex(device), ParsePath("/3/0").value(), ExampleTypes());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, DeviceRecords());
  EXPECT_EQ(Encoded({At("/13/26/1", I{42})}, "/13/26/1"), "a1830d181a01182a");
  EXPECT_EQ(Encoded({At("/13/26/1", I{42}), At("/13/26/2", I{21})}, "/13/26"),
            "a1820d181aa201182a0215");
  EXPECT_EQ(Encoded({At("/13/26/1", I{42})}, "/13"), "a10da1181aa101182a");
  EXPECT_EQ(Encoded({At("/13/26/1", I{1}), At("/14/27/2", I{2})}, "/"),
            "a20da1181aa101010ea1181ba10202");
  EXPECT_EQ(Encoded({}, "/3/0"), "a0");
  EXPECT_EQ(Encoded({At("/66/0/2", ObjectLink{3, 0}), At("/0/0/3", Opaque{1})}, "/"),
            "a200a100a1034101"
            "1842a100a10263333a30");
}

TEST(Lwm2mCborTest, RefusesMalformedPathsAndValues) {
  struct Case {
    const char* name;
    const char* hex;
    const char* base;
    std::optional<std::size_t> position;
  };
  for (const auto& c : std::vector<Case>{
           {"not a map", "84 01 02 03 04", "/", 0},
           {"id too big", "A1 82 0D 18 1A A1 1A 00 01 00 00 05", "/", 6},
           {"id too big in an array", "A1 83 0D 18 1A 1A 00 01 00 00 05", "/", 5},
           {"path of five levels", "A1 85 0D 18 1A 03 04 05 05", "/", 7},
           {"path of five levels across keys", "A1 83 0D 18 1A 01 A2 02 05 82 03 04 05", "/", 11},
           {"nested five deep", "A1 0D A1 18 1A A1 01 A1 02 A1 03 04", "/", 10},
           {"empty array key", "A1 0D A1 80 18 1A", "/", 3},
           {"float in a key", "A1 83 0D FB 3F D0 A3 D7 0A 3D 70 A4 01 18 2A", "/", 3},
           {"text key", "A1 0D A1 62 32 36 A1 01 18 2A", "/", 3},
           {"value at an instance", "A1 82 0D 18 1A 05", "/", 5},
           {"array value", "A1 0D A1 18 1A 81 A1 01 18 2A", "/", 5},
           {"null value", "A1 83 0D 18 1A 01 F6", "/", 6},
           {"cut in a map", "A1 82 0D 18 1A A1", "/", 6},
           {"bytes after the map", "A1 83 0D 18 1A 01 01 00", "/", 7},
           {"outside the request path", "A1 83 0D 18 1A 01 18 2A", "/14", std::nullopt},
           {"repeated path", "A2 83 0D 18 1A 01 01 83 0D 18 1A 01 02", "/", std::nullopt},
           {"decimal fraction tag", "A1 83 0D 18 1A 01 C4 82 20 18 2D", "/", 6},
           {"invalid UTF-8", "A1 83 0D 18 1A 01 61 FF", "/", 6},
       }) {
    auto result = FromCbor(c.hex, c.base);
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(result.error().position, c.position) << c.name << ": " << result.error().message;
  }
  // Typed values refuse the wrong kind.
  EXPECT_FALSE(FromCbor("A1 83 03 00 00 01", "/3/0", ExampleTypes()));         // int for a String
  EXPECT_FALSE(FromCbor("A1 83 01 00 06 61 78", "/1/0", ExampleTypes()));      // text for a Boolean
  EXPECT_FALSE(FromCbor("A1 83 03 00 09 F9 3E 00", "/3/0", ExampleTypes()));   // 1.5 for Integer
  EXPECT_FALSE(FromCbor("A1 83 18 42 00 02 61 33", "/66/0", ExampleTypes()));  // "3" for Objlnk
  // Nor can it say a value and instances of one resource, or times.
  EXPECT_FALSE(Encode(ContentFormat::kLwm2mCbor,
                      std::vector<Record>{At("/3/0/6", I{1}), At("/3/0/6/0", I{1})},
                      ParsePath("/3/0").value()));
  EXPECT_FALSE(Encode(ContentFormat::kLwm2mCbor, std::vector<Record>{At("/3/0/6", I{1}, 5.0)},
                      ParsePath("/3/0").value()));
}

}  // namespace
}  // namespace custos::lwm2m::format
