// BlockwiseUpload beyond the RFC 7959 figures (blockwise_rfc7959_test.cc): small bodies,
// Size1, 4.13 and 4.08, and responses that do not follow the protocol.
#include <gtest/gtest.h>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using core::ErrorCode;
using testing::Bytes;
using testing::Pattern;
using testing::Slice;
using testing::Text;
using Kind = BlockwiseStep::Kind;

const Peer kPeer = Peer::V4({192, 0, 2, 1}, 5683);
const TimePoint kNow = TimePoint{} + std::chrono::hours(1);

Message Put() {
  Message put;
  put.code = codes::kPut;
  put.token = Bytes({0x42});
  SetUriPath(put.options, "/5/0/0");
  SetContentFormat(put.options, 42);
  return put;
}

Message Answer(Code code, std::optional<Block> block1 = std::nullopt) {
  Message response;
  response.code = code;
  if (block1) (void)SetBlock1(response.options, *block1);
  return response;
}

TEST(BlockwiseUploadTest, ABodyOfOneBlockGoesWithoutBlock1) {
  const MemoryBody body(Text("small"));
  BlockwiseUpload upload(Put(), body);
  auto first = upload.FirstRequest();
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->options.Has(option::kBlock1));
  EXPECT_FALSE(first->options.Has(option::kSize1));
  EXPECT_EQ(first->payload, Text("small"));
  auto step = upload.OnResponse(Answer(codes::kChanged));
  ASSERT_EQ(step.kind, Kind::kDone);
  EXPECT_EQ(step.message.code, codes::kChanged);
  EXPECT_EQ(upload.acknowledged(), 5u);
}

// §4: the first block announces the whole size, so a server can refuse at once.
TEST(BlockwiseUploadTest, TheFirstBlockCarriesSize1) {
  const auto bytes = Pattern(3000);
  const MemoryBody body(bytes);
  BlockwiseUpload upload(Put(), body);
  auto first = upload.FirstRequest();
  ASSERT_TRUE(first);
  EXPECT_EQ(*GetBlock1(first->options), (Block{0, true, 6}));
  EXPECT_EQ(Size1(first->options), 3000u);
  EXPECT_EQ(ContentFormat(first->options), 42);
  EXPECT_EQ(first->payload, Slice(bytes, 0, 1024));
  auto step = upload.OnResponse(Answer(codes::kContinue, Block{0, true, 6}));
  ASSERT_EQ(step.kind, Kind::kSend);
  EXPECT_FALSE(step.message.options.Has(option::kSize1));
  EXPECT_EQ(*GetBlock1(step.message.options), (Block{1, true, 6}));
}

// The server takes at most 1000 bytes: the Size1 of the first block gets 4.13 and the
// upload fails before sending a second block.
TEST(BlockwiseUploadTest, A413EndsTheUploadWithTheServersLimit) {
  const MemoryBody body(Pattern(5000));
  BlockwiseUpload upload(Put(), body);
  Block1Assembler assembler({.max_body = 1000});
  auto first = upload.FirstRequest();
  ASSERT_TRUE(first);
  auto answer = assembler.Feed(kPeer, *first, kNow);
  ASSERT_EQ(answer.kind, Block1Step::Kind::kRespond);
  auto step = upload.OnResponse(answer.message);
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(step.error.message,
            "the server answered 4.13 (it accepts at most 1000 bytes): the body exceeds 1000 "
            "bytes");
  EXPECT_EQ(step.message.code, codes::kRequestEntityTooLarge);
}

TEST(BlockwiseUploadTest, A408EndsTheUpload) {
  const MemoryBody body(Pattern(3000));
  BlockwiseUpload upload(Put(), body);
  ASSERT_TRUE(upload.FirstRequest());
  upload.OnResponse(Answer(codes::kContinue, Block{0, true, 6}));
  auto step = upload.OnResponse(Answer(codes::kRequestEntityIncomplete));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(upload.OnResponse(Answer(codes::kChanged)).error.code,
            ErrorCode::kFailedPrecondition);  // it has ended
}

TEST(BlockwiseUploadTest, AnEchoOfAnotherBlockFails) {
  const MemoryBody body(Pattern(3000));
  BlockwiseUpload upload(Put(), body);
  ASSERT_TRUE(upload.FirstRequest());
  auto step = upload.OnResponse(Answer(codes::kContinue, Block{1, true, 6}));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(step.error.message, "the server acknowledged block 1; block 0 was sent");
}

TEST(BlockwiseUploadTest, A231WithoutBlock1OrAfterTheLastBlockFails) {
  const MemoryBody body(Pattern(1500));
  BlockwiseUpload missing(Put(), body);
  ASSERT_TRUE(missing.FirstRequest());
  EXPECT_EQ(missing.OnResponse(Answer(codes::kContinue)).error.code, ErrorCode::kInvalidArgument);

  BlockwiseUpload after_last(Put(), body);
  ASSERT_TRUE(after_last.FirstRequest());
  ASSERT_EQ(after_last.OnResponse(Answer(codes::kContinue, Block{0, true, 6})).kind, Kind::kSend);
  EXPECT_EQ(after_last.OnResponse(Answer(codes::kContinue, Block{1, true, 6})).error.code,
            ErrorCode::kInvalidArgument);
}

// A server that stores each block as it comes may answer 2.04 to every block (§2.5: only
// an atomic server must answer 2.31); the upload goes on while Block1 is echoed.
TEST(BlockwiseUploadTest, ANonAtomicServersSuccessResponsesContinueIt) {
  const auto bytes = Pattern(2500);
  const MemoryBody body(bytes);
  BlockwiseUpload upload(Put(), body);
  ASSERT_TRUE(upload.FirstRequest());
  auto step = upload.OnResponse(Answer(codes::kChanged, Block{0, true, 6}));
  ASSERT_EQ(step.kind, Kind::kSend);
  EXPECT_EQ(step.message.payload, Slice(bytes, 1024, 2048));
  EXPECT_EQ(upload.OnResponse(Answer(codes::kChanged)).error.code,
            ErrorCode::kInvalidArgument);  // no Block1 echo to a block that is not the last
}

// §2.5: the client uses the server's size "or a smaller one": never a larger one.
TEST(BlockwiseUploadTest, ALargerServerSizeIsNotTaken) {
  const MemoryBody body(Pattern(300));
  BlockwiseUpload upload(Put(), body, {.szx = 2});
  ASSERT_TRUE(upload.FirstRequest());
  auto step = upload.OnResponse(Answer(codes::kContinue, Block{0, true, 6}));
  EXPECT_EQ(*GetBlock1(step.message.options), (Block{1, true, 2}));
}

}  // namespace
}  // namespace custos::coap
