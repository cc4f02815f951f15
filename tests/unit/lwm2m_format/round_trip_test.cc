// Whatever one format encodes, the same format decodes to the same records, for every format
// that carries records and every value type it can say.
#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

using testing::At;
using testing::DeviceRecords;
using testing::ExampleTypes;
using I = std::int64_t;

class RoundTripTest : public ::testing::TestWithParam<ContentFormat> {};

std::vector<Record> EveryType() {
  return {
      At("/1024/0/0", std::string("text \"quoted\" \xc3\xa9")),
      At("/1024/0/1", -1234.5678),
      At("/1024/0/2", true),
      At("/1024/0/3", CoreLink{"</3/0>;pmin=1"}),
      At("/1024/0/4", I{-9223372036854775807LL - 1}),
      At("/1024/0/5", std::uint64_t{18446744073709551615ULL}),
      At("/1024/0/6", Opaque{0, 1, 2, 253, 254, 255}),
      At("/1024/0/7", TimeValue{-86400}),
      At("/1024/0/8/0", ObjectLink{3, 0}),
      At("/1024/0/8/7", ObjectLink{65535, 65535}),
      At("/1024/0/9", 1e-300),
      At("/1024/0/10", std::string()),
  };
}

TypeResolver EveryTypeResolver() {
  return [](const Path& path) -> std::optional<ResourceType> {
    static constexpr ResourceType kTypes[] = {
        ResourceType::kString,   ResourceType::kFloat,   ResourceType::kBoolean,
        ResourceType::kCoreLink, ResourceType::kInteger, ResourceType::kUnsignedInteger,
        ResourceType::kOpaque,   ResourceType::kTime,    ResourceType::kObjectLink,
        ResourceType::kFloat,    ResourceType::kString};
    if (!path.resource || *path.resource > 10) return std::nullopt;
    return kTypes[*path.resource];
  };
}

TEST_P(RoundTripTest, TheDeviceInstance) {
  auto base = ParsePath("/3/0").value();
  auto bytes = Encode(GetParam(), DeviceRecords(), base);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto back = Decode(GetParam(), *bytes, base, ExampleTypes());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, DeviceRecords());
}

TEST_P(RoundTripTest, EveryValueType) {
  auto base = ParsePath("/1024/0").value();
  auto bytes = Encode(GetParam(), EveryType(), base);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto back = Decode(GetParam(), *bytes, base, EveryTypeResolver());
  ASSERT_TRUE(back) << back.error().message;
  auto expected = EveryType();
  std::sort(expected.begin(), expected.end(),
            [](const Record& a, const Record& b) { return a.path < b.path; });
  EXPECT_EQ(*back, expected);
}

TEST_P(RoundTripTest, AnObjectOfTwoInstances) {
  std::vector<Record> records = {At("/2/0/0", I{1}), At("/2/0/2/127", I{7}), At("/2/1/0", I{3}),
                                 At("/2/1/2/310", I{1})};
  auto base = ParsePath("/2").value();
  auto bytes = Encode(GetParam(), records, base);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto back = Decode(GetParam(), *bytes, base, ExampleTypes());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, records);
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTripTest,
                         ::testing::Values(ContentFormat::kTlv, ContentFormat::kLegacyTlv,
                                           ContentFormat::kLwm2mJson, ContentFormat::kSenmlJson,
                                           ContentFormat::kSenmlCbor, ContentFormat::kLwm2mCbor),
                         [](const auto& info) { return std::to_string(IdOf(info.param)); });

TEST(DispatchTest, LinkFormatCarriesNoRecords) {
  auto decoded =
      Decode(ContentFormat::kLinkFormat, testing::Text("</3/0>"), ParsePath("/3/0").value(), {});
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("application/link-format"), std::string::npos);
  EXPECT_FALSE(Encode(ContentFormat::kLinkFormat, DeviceRecords(), ParsePath("/3/0").value()));
}

}  // namespace
}  // namespace custos::lwm2m::format
