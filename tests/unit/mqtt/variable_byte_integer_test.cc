#include <gtest/gtest.h>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;

struct VbiCase {
  std::uint32_t value;
  std::vector<std::uint8_t> wire;
};

// v5 §1.5.5, Table 1-1: the boundaries of each size.
TEST(VariableByteIntegerTest, BoundariesOfEachSize) {
  const VbiCase cases[] = {
      {0, Bytes({0x00})},
      {127, Bytes({0x7f})},
      {128, Bytes({0x80, 0x01})},
      {16'383, Bytes({0xff, 0x7f})},
      {16'384, Bytes({0x80, 0x80, 0x01})},
      {2'097'151, Bytes({0xff, 0xff, 0x7f})},
      {2'097'152, Bytes({0x80, 0x80, 0x80, 0x01})},
      {268'435'455, Bytes({0xff, 0xff, 0xff, 0x7f})},
      {321, Bytes({0xc1, 0x02})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    std::vector<std::uint8_t> out;
    AppendVariableByteInteger(c.value, out);
    EXPECT_EQ(out, c.wire);
    EXPECT_EQ(VariableByteIntegerSize(c.value), c.wire.size());
    auto decoded = DecodeVariableByteInteger(c.wire);
    ASSERT_TRUE(decoded) << decoded.error().message;
    ASSERT_TRUE(decoded->has_value());
    EXPECT_EQ((*decoded)->value, c.value);
    EXPECT_EQ((*decoded)->size, c.wire.size());
  }
}

TEST(VariableByteIntegerTest, IncompleteWaitsForMoreBytes) {
  for (const auto& wire : {Bytes({}), Bytes({0x80}), Bytes({0xff, 0xff, 0xff})}) {
    auto decoded = DecodeVariableByteInteger(wire);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_FALSE(decoded->has_value());
  }
}

TEST(VariableByteIntegerTest, FifthByteIsMalformed) {
  auto decoded = DecodeVariableByteInteger(Bytes({0xff, 0xff, 0xff, 0xff, 0x01}));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(decoded.error().position, 3u);
  EXPECT_EQ(ReasonFor(decoded.error()), ReasonCode::kMalformedPacket);
  // Refused from the fourth byte alone, before a fifth arrives.
  EXPECT_FALSE(DecodeVariableByteInteger(Bytes({0x80, 0x80, 0x80, 0x80})));
}

// v5 [MQTT-1.5.5-1]: the minimum number of bytes.
TEST(VariableByteIntegerTest, NonMinimalFormIsMalformed) {
  for (const auto& wire :
       {Bytes({0x80, 0x00}), Bytes({0xff, 0x80, 0x00}), Bytes({0x80, 0x80, 0x80, 0x00})}) {
    auto decoded = DecodeVariableByteInteger(wire);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().position, wire.size() - 1);
    EXPECT_EQ(ReasonFor(decoded.error()), ReasonCode::kMalformedPacket);
  }
}

}  // namespace
}  // namespace custos::mqtt
