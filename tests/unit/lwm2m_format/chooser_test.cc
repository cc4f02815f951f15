#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

using V = Lwm2mVersion;

ContentFormat Choose(V version, std::vector<std::uint16_t> declared, Shape shape,
                     std::optional<ResourceType> type = std::nullopt) {
  auto format = ChooseFormat(version, declared, shape, type);
  EXPECT_TRUE(format) << format.error().message;
  return format.value_or(ContentFormat::kPlainText);
}

TEST(ChooserTest, ParsesVersions) {
  EXPECT_EQ(ParseLwm2mVersion("1.0"), V::kV1_0);
  EXPECT_EQ(ParseLwm2mVersion("1.1"), V::kV1_1);
  EXPECT_EQ(ParseLwm2mVersion("1.2"), V::kV1_2);
  EXPECT_EQ(ParseLwm2mVersion("1.3"), V::kV1_2);
  for (std::string_view bad : {"", "1", "1.", "2.0", "1.x", "01.1", " 1.1"}) {
    EXPECT_FALSE(ParseLwm2mVersion(bad)) << bad;
  }
}

TEST(ChooserTest, LwM2M10GetsTlvAndPlainText) {
  EXPECT_EQ(Choose(V::kV1_0, {}, Shape::kTree), ContentFormat::kTlv);
  EXPECT_EQ(Choose(V::kV1_0, {11543, 110}, Shape::kTree), ContentFormat::kTlv);
  EXPECT_EQ(Choose(V::kV1_0, {}, Shape::kValue, ResourceType::kInteger), ContentFormat::kPlainText);
  EXPECT_EQ(Choose(V::kV1_0, {}, Shape::kValue, ResourceType::kOpaque), ContentFormat::kOpaque);
  EXPECT_EQ(Choose(V::kV1_0, {}, Shape::kValue), ContentFormat::kPlainText);
  auto composite = ChooseFormat(V::kV1_0, std::vector<std::uint16_t>{110}, Shape::kComposite);
  ASSERT_FALSE(composite);
  EXPECT_EQ(composite.error().code, core::ErrorCode::kFailedPrecondition);
}

TEST(ChooserTest, LwM2M11PrefersDeclaredSenml) {
  EXPECT_EQ(Choose(V::kV1_1, {110, 112}, Shape::kTree), ContentFormat::kSenmlCbor);
  EXPECT_EQ(Choose(V::kV1_1, {110}, Shape::kTree), ContentFormat::kSenmlJson);
  EXPECT_EQ(Choose(V::kV1_1, {11544, 11542}, Shape::kTree), ContentFormat::kTlv);
  EXPECT_EQ(Choose(V::kV1_1, {}, Shape::kTree), ContentFormat::kTlv);
  EXPECT_EQ(Choose(V::kV1_1, {112}, Shape::kValue, ResourceType::kOpaque),
            ContentFormat::kSenmlCbor);
  EXPECT_EQ(Choose(V::kV1_1, {}, Shape::kValue, ResourceType::kOpaque), ContentFormat::kOpaque);
  EXPECT_EQ(Choose(V::kV1_1, {110}, Shape::kComposite), ContentFormat::kSenmlJson);
  EXPECT_FALSE(ChooseFormat(V::kV1_1, std::vector<std::uint16_t>{11542}, Shape::kComposite));
}

TEST(ChooserTest, LwM2M12PrefersLwm2mCbor) {
  EXPECT_EQ(Choose(V::kV1_2, {110, 112, 11544}, Shape::kTree), ContentFormat::kLwm2mCbor);
  EXPECT_EQ(Choose(V::kV1_2, {110, 112, 11544}, Shape::kValue), ContentFormat::kLwm2mCbor);
  EXPECT_EQ(Choose(V::kV1_2, {110, 112, 11544}, Shape::kComposite), ContentFormat::kLwm2mCbor);
  EXPECT_EQ(Choose(V::kV1_2, {110, 112}, Shape::kComposite), ContentFormat::kSenmlCbor);
  EXPECT_EQ(Choose(V::kV1_2, {}, Shape::kTree), ContentFormat::kTlv);
  EXPECT_EQ(Choose(V::kV1_2, {}, Shape::kValue, ResourceType::kFloat), ContentFormat::kPlainText);
  EXPECT_FALSE(ChooseFormat(V::kV1_2, std::vector<std::uint16_t>{}, Shape::kComposite));
}

}  // namespace
}  // namespace custos::lwm2m::format
