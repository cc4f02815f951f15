#include <gtest/gtest.h>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;

struct BlockCase {
  Block block;
  std::vector<std::uint8_t> value;
};

// RFC 7959 §2.2: value = NUM << 4 | M << 3 | SZX, as a minimal-length uint.
TEST(BlockTest, EncodeDecodeTable) {
  const BlockCase cases[] = {
      {{0, false, 0}, Bytes({})},
      {{0, false, 2}, Bytes({0x02})},
      {{0, true, 6}, Bytes({0x0e})},
      {{1, false, 6}, Bytes({0x16})},
      {{15, true, 1}, Bytes({0xf9})},
      {{16, false, 0}, Bytes({0x01, 0x00})},
      {{4095, true, 6}, Bytes({0xff, 0xfe})},
      {{4096, false, 6}, Bytes({0x01, 0x00, 0x06})},
      {{kMaxBlockNum, true, 5}, Bytes({0xff, 0xff, 0xfd})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.block.num);
    auto value = EncodeBlock(c.block);
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_EQ(*value, c.value);
    auto block = DecodeBlock(c.value);
    ASSERT_TRUE(block) << block.error().message;
    EXPECT_EQ(*block, c.block);
  }
}

TEST(BlockTest, RefusesOutOfRange) {
  EXPECT_FALSE(EncodeBlock({kMaxBlockNum + 1, false, 0}));
  EXPECT_FALSE(EncodeBlock({0, false, 7}));
  auto reserved = DecodeBlock(Bytes({0x17}));
  ASSERT_FALSE(reserved);
  EXPECT_EQ(reserved.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(DecodeBlock(Bytes({0x00, 0x00, 0x00, 0x06})));
}

TEST(BlockTest, LeadingZerosAreAccepted) {
  auto block = DecodeBlock(Bytes({0x00, 0x00, 0x1e}));
  ASSERT_TRUE(block) << block.error().message;
  EXPECT_EQ(*block, (Block{1, true, 6}));
}

TEST(BlockTest, SizeAndOffset) {
  const Block block{3, true, 6};
  EXPECT_EQ(block.Size(), 1024u);
  EXPECT_EQ(block.Offset(), 3072u);
  EXPECT_EQ(*SzxForSize(16), 0);
  EXPECT_EQ(*SzxForSize(64), 2);
  EXPECT_EQ(*SzxForSize(1024), 6);
  EXPECT_FALSE(SzxForSize(2048));
  EXPECT_FALSE(SzxForSize(100));
}

TEST(BlockTest, OptionAccessors) {
  OptionList options;
  auto absent = GetBlock2(options);
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());

  ASSERT_TRUE(SetBlock2(options, {2, true, 4}));
  ASSERT_TRUE(SetBlock1(options, {0, false, 6}));
  ASSERT_TRUE(SetBlock2(options, {3, false, 4}));  // replaces
  EXPECT_EQ(options.All(option::kBlock2).size(), 1u);
  EXPECT_EQ(**GetBlock2(options), (Block{3, false, 4}));
  EXPECT_EQ(**GetBlock1(options), (Block{0, false, 6}));

  EXPECT_FALSE(SetBlock1(options, {0, false, 7}));
  EXPECT_EQ(**GetBlock1(options), (Block{0, false, 6}));  // unchanged

  options.Set(option::kBlock1, Bytes({0x07}));
  EXPECT_FALSE(GetBlock1(options));
}

}  // namespace
}  // namespace custos::coap
