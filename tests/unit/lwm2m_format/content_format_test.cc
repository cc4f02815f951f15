#include <gtest/gtest.h>

#include "lwm2m/format/format.h"

namespace custos::lwm2m::format {
namespace {

TEST(ContentFormatTest, KnowsTheNumbersOfEveryFormat) {
  for (std::uint16_t id : {0, 40, 42, 110, 112, 1542, 1543, 11542, 11543, 11544}) {
    auto format = ContentFormatFromId(id);
    ASSERT_TRUE(format) << id;
    EXPECT_EQ(IdOf(*format), id);
  }
  EXPECT_FALSE(ContentFormatFromId(60));  // plain CBOR
  EXPECT_FALSE(ContentFormatFromId(1541));
  EXPECT_FALSE(ContentFormatFromId(11545));
}

TEST(ContentFormatTest, LegacyNumbersMapToTheirCurrentOnes) {
  EXPECT_EQ(Canonical(ContentFormat::kLegacyTlv), ContentFormat::kTlv);
  EXPECT_EQ(Canonical(ContentFormat::kLegacyJson), ContentFormat::kLwm2mJson);
  EXPECT_EQ(Canonical(ContentFormat::kSenmlCbor), ContentFormat::kSenmlCbor);
  EXPECT_STREQ(MediaType(ContentFormat::kLegacyTlv), "application/vnd.oma.lwm2m+tlv");
  EXPECT_STREQ(MediaType(ContentFormat::kLwm2mCbor), "application/vnd.oma.lwm2m+cbor");
  EXPECT_STREQ(MediaType(ContentFormat::kSenmlJson), "application/senml+json");
}

}  // namespace
}  // namespace custos::lwm2m::format
