// Block1Assembler beyond the RFC 7959 figures (blockwise_rfc7959_test.cc): 4.13 and 4.08
// byte for byte, the transfer key, the limits and expiry.
#include <gtest/gtest.h>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using std::chrono::seconds;
using testing::Bytes;
using testing::Concat;
using testing::Pattern;
using testing::Slice;
using testing::Text;
using testing::Wire;
using Kind = Block1Step::Kind;

const Peer kPeer = Peer::V4({192, 0, 2, 1}, 5683);
const Peer kOther = Peer::V4({192, 0, 2, 2}, 5683);
const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

// PUT `path` carrying block `num` of `body` in blocks of 2^(szx+4).
Message Put(const std::vector<std::uint8_t>& body, std::uint32_t num, std::uint8_t szx,
            std::string_view path = "/fw") {
  const std::size_t size = std::size_t{16} << szx;
  const std::size_t from = std::min(body.size(), num * size);
  const std::size_t to = std::min(body.size(), from + size);
  Message put;
  put.code = codes::kPut;
  SetUriPath(put.options, path);
  (void)SetBlock1(put.options, Block{num, to < body.size(), szx});
  put.payload = Slice(body, from, to);
  return put;
}

TEST(Block1AssemblerTest, ARequestWithoutBlock1PassesThrough) {
  Block1Assembler assembler;
  Message get;
  get.code = codes::kGet;
  auto step = assembler.Feed(kPeer, get, kStart);
  EXPECT_EQ(step.kind, Kind::kPassThrough);
  EXPECT_EQ(step.message, Message{});
}

TEST(Block1AssemblerTest, ASingleBlockIsAssembledAtOnce) {
  Block1Assembler assembler;
  auto step = assembler.Feed(kPeer, Put(Text("tiny"), 0, 6), kStart);
  ASSERT_EQ(step.kind, Kind::kAssembled);
  EXPECT_EQ(step.message.payload, Text("tiny"));
  EXPECT_EQ(step.last_block, (Block{0, false, 6}));
  EXPECT_EQ(assembler.size(), 0u);
  Message response;
  response.code = codes::kChanged;
  Block1Assembler::EchoBlock1(response, step);
  EXPECT_EQ(*GetBlock1(response.options), (Block{0, false, 6}));
}

// §4 and §2.9.3: Size1 in the first block over the limit gets 4.13 at once, with the
// limit in Size1: ACK 4.13, Size1 = 256 (option 60: delta 13 + 47, two bytes), diagnostic.
TEST(Block1AssemblerTest, Size1OverTheLimitGets413AtOnce) {
  Block1Assembler assembler({.max_body = 256});
  Message put = Put(Pattern(300), 0, 3);
  SetSize1(put.options, 300);
  auto step = assembler.Feed(kPeer, put, kStart);
  ASSERT_EQ(step.kind, Kind::kRespond);
  EXPECT_EQ(Wire(step.message, Type::kAcknowledgement, 0x1234),
            Concat(Bytes({0x60, 0x8d, 0x12, 0x34, 0xd2, 0x2f, 0x01, 0x00, 0xff}),
                   Text("the body exceeds 256 bytes")));
  EXPECT_EQ(assembler.size(), 0u);
}

TEST(Block1AssemblerTest, ABodyGrowingPastTheLimitGets413) {
  Block1Assembler assembler({.max_body = 256});
  const auto body = Pattern(400);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 0, 3), kStart).kind, Kind::kRespond);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 1, 3), kStart).message.code, codes::kContinue);
  auto step = assembler.Feed(kPeer, Put(body, 2, 3), kStart);
  EXPECT_EQ(step.message.code, codes::kRequestEntityTooLarge);
  EXPECT_EQ(Size1(step.message.options), 256u);
  EXPECT_EQ(assembler.size(), 0u);
}

// §2.5: a block out of sequence gets 4.08 and ends the transfer: ACK 4.08 with a diagnostic.
TEST(Block1AssemblerTest, AMissingBlockGets408) {
  Block1Assembler assembler;
  const auto body = Pattern(600);
  ASSERT_EQ(assembler.Feed(kPeer, Put(body, 0, 3), kStart).message.code, codes::kContinue);
  auto step = assembler.Feed(kPeer, Put(body, 2, 3), kStart);
  ASSERT_EQ(step.kind, Kind::kRespond);
  EXPECT_EQ(Wire(step.message, Type::kAcknowledgement, 0x1235),
            Concat(Bytes({0x60, 0x88, 0x12, 0x35, 0xff}),
                   Text("expected the block at offset 128, got block 2 at offset 256")));
  EXPECT_EQ(assembler.size(), 0u);
  // The transfer is gone: even the block that was due now finds nothing to continue.
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 1, 3), kStart).message.code,
            codes::kRequestEntityIncomplete);
}

TEST(Block1AssemblerTest, ALastBlockWithoutTheFirstGets408) {
  Block1Assembler assembler;
  auto step = assembler.Feed(kPeer, Put(Pattern(300), 2, 3), kStart);
  EXPECT_EQ(step.message.code, codes::kRequestEntityIncomplete);
  EXPECT_EQ(std::string(step.message.payload.begin(), step.message.payload.end()),
            "no transfer in progress for block 2");
}

TEST(Block1AssemblerTest, AnotherMethodInTheMiddleGets408) {
  Block1Assembler assembler;
  const auto body = Pattern(300);
  assembler.Feed(kPeer, Put(body, 0, 3), kStart);
  Message post = Put(body, 1, 3);
  post.code = codes::kPost;
  EXPECT_EQ(assembler.Feed(kPeer, post, kStart).message.code, codes::kRequestEntityIncomplete);
}

// §2.5: a new block 0 to the same resource overwrites the transfer in progress.
TEST(Block1AssemblerTest, BlockZeroStartsAfresh) {
  Block1Assembler assembler;
  const auto old_body = Pattern(300, 1);
  const auto new_body = Pattern(200, 2);
  assembler.Feed(kPeer, Put(old_body, 0, 3), kStart);
  assembler.Feed(kPeer, Put(old_body, 1, 3), kStart);
  assembler.Feed(kPeer, Put(new_body, 0, 3), kStart);
  auto step = assembler.Feed(kPeer, Put(new_body, 1, 3), kStart);
  ASSERT_EQ(step.kind, Kind::kAssembled);
  EXPECT_EQ(step.message.payload, new_body);
  EXPECT_EQ(assembler.size(), 0u);
}

// Transfers are keyed by peer and URI (path and query): these three run side by side.
TEST(Block1AssemblerTest, PeersAndUrisKeepTheirOwnTransfers) {
  Block1Assembler assembler;
  const auto a = Pattern(300, 1), b = Pattern(300, 2), c = Pattern(300, 3);
  Message c0 = Put(c, 0, 3), c1 = Put(c, 1, 3), c2 = Put(c, 2, 3);
  for (Message* m : {&c0, &c1, &c2}) SetUriQuery(m->options, "v=2");
  for (std::uint32_t num : {0u, 1u}) {
    assembler.Feed(kPeer, Put(a, num, 3), kStart);
    assembler.Feed(kOther, Put(b, num, 3), kStart);
    assembler.Feed(kPeer, num == 0 ? c0 : c1, kStart);
  }
  EXPECT_EQ(assembler.size(), 3u);
  EXPECT_EQ(assembler.SizeFor(kPeer), 2u);
  EXPECT_EQ(assembler.Feed(kPeer, c2, kStart).message.payload, c);
  EXPECT_EQ(assembler.Feed(kOther, Put(b, 2, 3), kStart).message.payload, b);
  auto last = assembler.Feed(kPeer, Put(a, 2, 3), kStart);
  EXPECT_EQ(last.message.payload, a);
  EXPECT_EQ(UriPath(last.message.options), "/fw");
  EXPECT_EQ(assembler.size(), 0u);
  EXPECT_EQ(assembler.SizeFor(kPeer), 0u);
}

TEST(Block1AssemblerTest, ABlockThatDoesNotFillItsSizeGets400) {
  Block1Assembler assembler;
  Message put = Put(Pattern(300), 0, 3);
  put.payload.pop_back();  // 127 bytes with M = 1
  EXPECT_EQ(assembler.Feed(kPeer, put, kStart).message.code, codes::kBadRequest);
  Message last = Put(Pattern(300), 0, 3);
  (void)SetBlock1(last.options, Block{0, false, 3});
  last.payload = Pattern(129);  // more than one block with M = 0
  EXPECT_EQ(assembler.Feed(kPeer, last, kStart).message.code, codes::kBadRequest);
}

TEST(Block1AssemblerTest, MalformedBlock1) {
  Block1Assembler assembler;
  Message szx7 = Put(Pattern(10), 0, 0);
  szx7.options.Set(option::kBlock1, Bytes({0x07}));
  EXPECT_EQ(assembler.Feed(kPeer, szx7, kStart).message.code, codes::kBadRequest);
  Message too_long = Put(Pattern(10), 0, 0);
  too_long.options.Set(option::kBlock1, Bytes({0, 0, 0, 0}));
  EXPECT_EQ(assembler.Feed(kPeer, too_long, kStart).message.code, codes::kBadOption);
}

// §2.9.3: 4.13 "can be returned at any time by a server that does not currently have the
// resources to store blocks"; then without Size1, since the body's size is not the issue.
TEST(Block1AssemblerTest, TransferLimitsGet413WithoutSize1) {
  Block1Assembler assembler({.max_transfers = 3, .max_transfers_per_peer = 2});
  const auto body = Pattern(300);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 0, 3, "/a"), kStart).message.code, codes::kContinue);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 0, 3, "/b"), kStart).message.code, codes::kContinue);
  auto refused = assembler.Feed(kPeer, Put(body, 0, 3, "/c"), kStart);
  EXPECT_EQ(refused.message.code, codes::kRequestEntityTooLarge);
  EXPECT_FALSE(Size1(refused.message.options));
  EXPECT_EQ(assembler.Feed(kOther, Put(body, 0, 3, "/a"), kStart).message.code, codes::kContinue);
  EXPECT_EQ(assembler.Feed(kOther, Put(body, 0, 3, "/b"), kStart).message.code,
            codes::kRequestEntityTooLarge);  // the total
  // Restarting a transfer in progress is not one more.
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 0, 3, "/a"), kStart).message.code, codes::kContinue);
  EXPECT_EQ(assembler.size(), 3u);
}

// §2.5: a partial body may be dropped EXCHANGE_LIFETIME after its latest block.
TEST(Block1AssemblerTest, TransfersExpireAfterTheirLatestBlock) {
  Block1Assembler assembler({.lifetime = seconds(247)});
  const auto body = Pattern(500);
  assembler.Feed(kPeer, Put(body, 0, 3), kStart);
  assembler.Feed(kPeer, Put(body, 1, 3), kStart + seconds(200));  // refreshes the lifetime
  EXPECT_EQ(assembler.Expire(kStart + seconds(446)), 0u);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 2, 3), kStart + seconds(446)).message.code,
            codes::kContinue);
  EXPECT_EQ(assembler.Expire(kStart + seconds(446 + 247)), 1u);
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 3, 3), kStart + seconds(446 + 247)).message.code,
            codes::kRequestEntityIncomplete);
}

TEST(Block1AssemblerTest, ExpiryGoesOldestFirst) {
  Block1Assembler assembler({.lifetime = seconds(10)});
  const auto body = Pattern(300);
  assembler.Feed(kPeer, Put(body, 0, 3, "/a"), kStart);
  assembler.Feed(kPeer, Put(body, 0, 3, "/b"), kStart + seconds(5));
  assembler.Feed(kPeer, Put(body, 1, 3, "/a"), kStart + seconds(6));
  EXPECT_EQ(assembler.Expire(kStart + seconds(15)), 1u);  // /b
  EXPECT_EQ(assembler.Feed(kPeer, Put(body, 2, 3, "/a"), kStart + seconds(15)).kind,
            Kind::kAssembled);
}

// RFC 7959 Figure 9: Block2 in the first block asks early for the response's block size;
// the assembled request carries it even though the last block did not.
TEST(Block1AssemblerTest, TheFirstBlocksBlock2ReachesTheHandler) {
  Block1Assembler assembler;
  const auto body = Pattern(300);
  Message first = Put(body, 0, 3);
  (void)SetBlock2(first.options, Block{0, false, 2});
  assembler.Feed(kPeer, first, kStart);
  assembler.Feed(kPeer, Put(body, 1, 3), kStart);
  auto step = assembler.Feed(kPeer, Put(body, 2, 3), kStart);
  ASSERT_EQ(step.kind, Kind::kAssembled);
  EXPECT_EQ(*GetBlock2(step.message.options), (Block{0, false, 2}));
}

}  // namespace
}  // namespace custos::coap
