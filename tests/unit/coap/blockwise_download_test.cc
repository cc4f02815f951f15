// BlockwiseDownload beyond the RFC 7959 figures (blockwise_rfc7959_test.cc): ETag changes,
// Size2, bad blocks, error responses and what the follow-up requests leave out.
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

Message Get() {
  Message get;
  get.code = codes::kGet;
  get.token = Bytes({0x77});
  SetUriPath(get.options, "/fw/image");
  return get;
}

// A 2.05 carrying block `num` of `body` in blocks of 2^(szx+4), as a server would.
Message Block2Response(const std::vector<std::uint8_t>& body, std::uint32_t num, std::uint8_t szx,
                       std::vector<std::uint8_t> etag = Bytes({0xe1})) {
  const std::size_t size = std::size_t{16} << szx;
  const std::size_t from = std::min(body.size(), num * size);
  const std::size_t to = std::min(body.size(), from + size);
  Message response;
  response.code = codes::kContent;
  (void)SetBlock2(response.options, Block{num, to < body.size(), szx});
  SetSize2(response.options, static_cast<std::uint32_t>(body.size()));
  if (!etag.empty()) AddETag(response.options, std::move(etag));
  response.payload = Slice(body, from, to);
  return response;
}

std::optional<Block> AskedBlock(const BlockwiseStep& step) {
  return *GetBlock2(step.message.options);
}

TEST(BlockwiseDownloadTest, AResponseWithoutBlock2IsTheWholeBody) {
  MemorySink sink;
  BlockwiseDownload download(Get(), sink);
  Message response;
  response.code = codes::kContent;
  response.payload = Text("all of it");
  auto step = download.OnResponse(response);
  ASSERT_EQ(step.kind, Kind::kDone);
  EXPECT_TRUE(step.message.payload.empty());
  EXPECT_EQ(sink.body(), Text("all of it"));
}

TEST(BlockwiseDownloadTest, AnErrorResponseFailsWithItsCode) {
  MemorySink sink;
  BlockwiseDownload download(Get(), sink);
  EXPECT_EQ(download.OnResponse(Block2Response(Pattern(300), 0, 3)).kind, Kind::kSend);
  Message not_found;
  not_found.code = codes::kNotFound;
  not_found.payload = Text("gone");
  auto step = download.OnResponse(not_found);
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kNotFound);
  EXPECT_EQ(step.error.message, "the server answered 4.04: gone");
  EXPECT_EQ(step.message, not_found);
  EXPECT_TRUE(sink.body().empty());  // aborted
  EXPECT_EQ(download.OnResponse(not_found).error.code, ErrorCode::kFailedPrecondition);
}

// The follow-ups repeat the request's options with a new Block2, but neither Observe
// (§2.6) nor the first request's payload, Block1 and Size1 (§2.7).
TEST(BlockwiseDownloadTest, FollowUpsLeaveOutObserveAndTheRequestBody) {
  MemorySink sink;
  Message get = Get();
  SetObserve(get.options, 0);
  SetAccept(get.options, 60);
  (void)SetBlock1(get.options, Block{2, false, 6});
  SetSize1(get.options, 2100);
  get.payload = Text("request body");
  BlockwiseDownload download(get, sink);
  EXPECT_EQ(download.FirstRequest(), get);
  auto step = download.OnResponse(Block2Response(Pattern(300), 0, 3));
  ASSERT_EQ(step.kind, Kind::kSend);
  Message expected = Get();
  SetAccept(expected.options, 60);
  (void)SetBlock2(expected.options, Block{1, false, 3});
  EXPECT_EQ(step.message, expected);
}

// RFC 8132 §2.3.2: the body of a FETCH says what is fetched, so every follow-up repeats it.
TEST(BlockwiseDownloadTest, FetchFollowUpsRepeatTheRequestBody) {
  MemorySink sink;
  Message fetch = Get();
  fetch.code = codes::kFetch;
  SetObserve(fetch.options, 0);
  fetch.payload = Text("[/3/0]");
  BlockwiseDownload download(fetch, sink);
  auto step = download.OnResponse(Block2Response(Pattern(300), 0, 3));
  ASSERT_EQ(step.kind, Kind::kSend);
  Message expected = Get();
  expected.code = codes::kFetch;
  expected.payload = Text("[/3/0]");
  (void)SetBlock2(expected.options, Block{1, false, 3});
  EXPECT_EQ(step.message, expected);
}

// §2.4: an ETag that changes between blocks means another version of the body: start
// over from block 0, so the result is all of the new version.
TEST(BlockwiseDownloadTest, AChangedETagRestartsTheTransfer) {
  const auto old_body = Pattern(400, 1);
  const auto new_body = Pattern(300, 2);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink);
  download.OnResponse(Block2Response(old_body, 0, 3, Bytes({0x01})));
  download.OnResponse(Block2Response(old_body, 1, 3, Bytes({0x01})));
  auto step = download.OnResponse(Block2Response(new_body, 2, 3, Bytes({0x02})));
  ASSERT_EQ(step.kind, Kind::kSend);
  EXPECT_EQ(AskedBlock(step), (Block{0, false, 3}));
  EXPECT_EQ(download.restarts(), 1);
  for (std::uint32_t num = 0; num < 3; ++num) {
    step = download.OnResponse(Block2Response(new_body, num, 3, Bytes({0x02})));
  }
  ASSERT_EQ(step.kind, Kind::kDone) << step.error.message;
  EXPECT_EQ(sink.body(), new_body);  // the old body's longer tail is cut off
}

TEST(BlockwiseDownloadTest, AnETagThatKeepsChangingFails) {
  const auto body = Pattern(400);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.max_restarts = 0});
  download.OnResponse(Block2Response(body, 0, 3, Bytes({0x01})));
  auto step = download.OnResponse(Block2Response(body, 1, 3, Bytes({0x02})));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kConflict);
}

TEST(BlockwiseDownloadTest, AnETagAppearingMidwayIsAChange) {
  const auto body = Pattern(400);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.max_restarts = 0});
  download.OnResponse(Block2Response(body, 0, 3, {}));
  EXPECT_EQ(download.OnResponse(Block2Response(body, 1, 3, Bytes({0x02}))).error.code,
            ErrorCode::kConflict);
}

TEST(BlockwiseDownloadTest, Size2OverTheLimitFailsAtTheFirstBlock) {
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.max_body = 1000});
  auto step = download.OnResponse(Block2Response(Pattern(5000), 0, 6));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(download.announced_size(), 5000u);
}

TEST(BlockwiseDownloadTest, BytesOverTheLimitFailWithoutSize2) {
  const auto body = Pattern(3000);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.max_body = 2000});
  Message block = Block2Response(body, 0, 6);
  block.options.Remove(option::kSize2);
  EXPECT_EQ(download.OnResponse(block).kind, Kind::kSend);
  block = Block2Response(body, 1, 6);
  block.options.Remove(option::kSize2);
  auto step = download.OnResponse(block);
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kPayloadTooLarge);
}

TEST(BlockwiseDownloadTest, ABlockAtAnotherOffsetFails) {
  const auto body = Pattern(1000);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink);
  download.OnResponse(Block2Response(body, 0, 3));
  auto step = download.OnResponse(Block2Response(body, 2, 3));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(step.error.message,
            "the server sent the block at offset 256; the one at 128 was asked for");
}

// §2.4: "A server MUST use the block size indicated or a smaller size."
TEST(BlockwiseDownloadTest, ABlockLargerThanAskedFails) {
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.szx = 2, .early_negotiation = true});
  auto step = download.OnResponse(Block2Response(Pattern(1000), 0, 3));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.code, ErrorCode::kInvalidArgument);
}

TEST(BlockwiseDownloadTest, AShortBlockWithMoreToComeFails) {
  MemorySink sink;
  BlockwiseDownload download(Get(), sink);
  Message block = Block2Response(Pattern(1000), 0, 3);
  block.payload.pop_back();
  EXPECT_EQ(download.OnResponse(block).error.code, ErrorCode::kInvalidArgument);
}

// The server may go down in size at any block; the client follows at the same offset.
TEST(BlockwiseDownloadTest, TheServersSmallerSizeIsAdopted) {
  const auto body = Pattern(5000);
  MemorySink sink;
  BlockwiseDownload download(Get(), sink, {.early_negotiation = true});
  EXPECT_EQ(AskedBlock({BlockwiseStep::Kind::kSend, download.FirstRequest(), {}}),
            (Block{0, false, 6}));
  auto step = download.OnResponse(Block2Response(body, 0, 6));
  EXPECT_EQ(AskedBlock(step), (Block{1, false, 6}));
  step = download.OnResponse(Block2Response(body, 4, 4));  // 256 bytes at offset 1024
  EXPECT_EQ(AskedBlock(step), (Block{5, false, 4}));
  step = download.OnResponse(Block2Response(body, 5, 4));
  EXPECT_EQ(AskedBlock(step), (Block{6, false, 4}));
  EXPECT_EQ(download.received(), 1536u);
}

class FailingSink final : public BodySink {
 public:
  core::Result<void> Write(std::size_t, std::span<const std::uint8_t>) override {
    return core::MakeError(ErrorCode::kInternal, "disk full");
  }
  core::Result<void> Finish(std::size_t) override { return {}; }
  void Abort() override { aborted = true; }
  bool aborted = false;
};

TEST(BlockwiseDownloadTest, SinkErrorsEndTheTransfer) {
  FailingSink sink;
  BlockwiseDownload download(Get(), sink);
  auto step = download.OnResponse(Block2Response(Pattern(300), 0, 3));
  ASSERT_EQ(step.kind, Kind::kFailed);
  EXPECT_EQ(step.error.message, "disk full");
  EXPECT_TRUE(sink.aborted);
}

}  // namespace
}  // namespace custos::coap
