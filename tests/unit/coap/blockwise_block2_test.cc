// ServeBlock2 beyond the RFC 7959 figures (blockwise_rfc7959_test.cc): small bodies, the
// block past the end, malformed Block2 values, smaller server blocks, and errors.
#include <gtest/gtest.h>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::Pattern;
using testing::Slice;
using testing::Text;

Message Get(std::optional<Block> block2 = std::nullopt) {
  Message get;
  get.code = codes::kGet;
  get.token = Bytes({0x31});
  SetUriPath(get.options, "/fw");
  if (block2) (void)SetBlock2(get.options, *block2);
  return get;
}

Message Head() {
  Message head;
  head.code = codes::kContent;
  head.token = Bytes({0x31});
  SetContentFormat(head.options, 42);
  return head;
}

TEST(ServeBlock2Test, ASmallBodyGoesWholeWithoutBlockOptions) {
  const MemoryBody body(Text("small"));
  auto response = ServeBlock2(Get(), Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->payload, Text("small"));
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(ContentFormat(response->options), 42);
  EXPECT_FALSE(response->options.Has(option::kBlock2));
  EXPECT_FALSE(response->options.Has(option::kSize2));
  EXPECT_FALSE(response->options.Has(option::kETag));
}

// RFC 7959 §4: Size2 = 0 in a request asks for the size, block-wise or not.
TEST(ServeBlock2Test, ASizeRequestGetsSize2) {
  const MemoryBody body(Text("small"));
  Message get = Get();
  SetSize2(get.options, 0);
  auto response = ServeBlock2(get, Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(Size2(response->options), 5u);
}

TEST(ServeBlock2Test, ABlockRequestForASmallBodyGetsTheOnlyBlock) {
  const MemoryBody body(Text("small"));
  auto response = ServeBlock2(Get(Block{0, false, 2}), Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(*GetBlock2(response->options), (Block{0, false, 2}));
  EXPECT_EQ(response->payload, Text("small"));
  EXPECT_EQ(Size2(response->options), 5u);
  EXPECT_EQ(ETags(response->options).front(), body.ETag());
}

TEST(ServeBlock2Test, AnEmptyBodyHasBlockZero) {
  const MemoryBody body({});
  auto response = ServeBlock2(Get(Block{0, false, 6}), Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(*GetBlock2(response->options), (Block{0, false, 6}));
  EXPECT_TRUE(response->payload.empty());
}

TEST(ServeBlock2Test, ABlockPastTheEndIsABadOption) {
  const MemoryBody body(Pattern(256));
  for (const Block& past : {Block{2, false, 3}, Block{4, false, 2}, Block{1000, false, 0}}) {
    SCOPED_TRACE(past.num);
    auto response = ServeBlock2(Get(past), Head(), body, 6);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code, codes::kBadOption);
    EXPECT_EQ(response->token, Bytes({0x31}));
    EXPECT_TRUE(response->options.empty());  // no Content-Format: the payload is diagnostic
    EXPECT_EQ(std::string(response->payload.begin(), response->payload.end()),
              "block " + std::to_string(past.num) + " starts past the end of a 256-byte body");
  }
  // The last block itself is fine.
  auto last = ServeBlock2(Get(Block{1, false, 3}), Head(), body, 6);
  ASSERT_TRUE(last);
  EXPECT_EQ(*GetBlock2(last->options), (Block{1, false, 3}));
}

// §2.2: SZX 7 in a request is a 4.00; a Block2 over 3 bytes is an invalid critical option.
TEST(ServeBlock2Test, MalformedBlock2) {
  const MemoryBody body(Pattern(2000));
  Message szx7 = Get();
  szx7.options.Set(option::kBlock2, Bytes({0x17}));
  auto response = ServeBlock2(szx7, Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kBadRequest);

  Message too_long = Get();
  too_long.options.Set(option::kBlock2, Bytes({0x00, 0x00, 0x00, 0x16}));
  response = ServeBlock2(too_long, Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kBadOption);
}

// The client asks for 1024-byte block 1; the server prefers 256 and answers with the block
// of 256 that starts at the same offset, 1024: block 4.
TEST(ServeBlock2Test, ASmallerServerBlockStartsAtTheOffsetAsked) {
  const auto bytes = Pattern(3000);
  const MemoryBody body(bytes);
  auto response = ServeBlock2(Get(Block{1, false, 6}), Head(), body, 4);
  ASSERT_TRUE(response);
  EXPECT_EQ(*GetBlock2(response->options), (Block{4, true, 4}));
  EXPECT_EQ(response->payload, Slice(bytes, 1024, 1280));
}

// The M bit of a request's Block2 means nothing and is ignored (§2.4).
TEST(ServeBlock2Test, TheRequestsMoreBitIsIgnored) {
  const auto bytes = Pattern(100);
  const MemoryBody body(bytes);
  auto response = ServeBlock2(Get(Block{1, true, 2}), Head(), body, 6);
  ASSERT_TRUE(response);
  EXPECT_EQ(*GetBlock2(response->options), (Block{1, false, 2}));
  EXPECT_EQ(response->payload, Slice(bytes, 64, 100));
}

TEST(ServeBlock2Test, TheHandlersETagIsKeptAndItsPayloadReplaced) {
  const MemoryBody body(Pattern(500));
  Message head = Head();
  AddETag(head.options, Bytes({0x01}));
  head.payload = Text("ignored");
  auto response = ServeBlock2(Get(), head, body, 3);
  ASSERT_TRUE(response);
  EXPECT_EQ(ETags(response->options), std::vector<std::vector<std::uint8_t>>{Bytes({0x01})});
  EXPECT_EQ(response->payload, Pattern(128));
}

class BrokenBody final : public BodySource {
 public:
  explicit BrokenBody(std::size_t size) : size_(size) {}
  std::size_t Size() const override { return size_; }
  core::Result<std::vector<std::uint8_t>> Read(std::size_t, std::size_t) const override {
    return core::MakeError(core::ErrorCode::kInternal, "disk on fire");
  }
  std::vector<std::uint8_t> ETag() const override { return {1}; }

 private:
  std::size_t size_;
};

TEST(ServeBlock2Test, ReadErrorsAreReturned) {
  auto response = ServeBlock2(Get(Block{0, false, 6}), Head(), BrokenBody(5000), 6);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message, "disk on fire");
}

// 2^20 blocks of 16 bytes is 16 MiB: a larger body cannot be numbered at SZX 0.
TEST(ServeBlock2Test, ABodyNeedingMoreThan2To20BlocksIsRefused) {
  auto response = ServeBlock2(Get(Block{0, false, 0}), Head(), BrokenBody((16u << 20) + 1), 6);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, core::ErrorCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace custos::coap
