// The examples of RFC 7959 §3 (Figures 2, 3, 4, 6, 7 and 8) played between our client and
// server state machines. Every message on the wire is compared byte for byte with the
// figure's message, written out by hand: the figures give the method, code, MID and the
// Block options; the bodies are Pattern bytes, and the server adds ETag 5A 5B and Size2 as
// ServeBlock2 documents.
#include <gtest/gtest.h>

#include "blockwise_fixtures.h"
#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::Concat;
using testing::FixedETagBody;
using testing::Parse;
using testing::Pattern;
using testing::Slice;
using testing::Text;
using testing::Wire;
using Kind = BlockwiseStep::Kind;

const Peer kClient = Peer::V4({192, 0, 2, 7}, 40000);
const TimePoint kNow = TimePoint{} + std::chrono::hours(1);
const std::vector<std::uint8_t> kETag = Bytes({0x5a, 0x5b});

// CON GET /status, MID given, then the option bytes after Uri-Path.
std::vector<std::uint8_t> GetStatus(std::uint16_t mid, std::vector<std::uint8_t> tail) {
  auto bytes = Concat(Bytes({0x40, 0x01, mid >> 8, mid & 0xff, 0xb6}), Text("status"));
  return Concat(bytes, tail);
}

// ACK 2.05 with ETag 5A 5B, Block2 (one byte), Size2 (two bytes) and the payload.
std::vector<std::uint8_t> ContentBlock(std::uint16_t mid, int block2, int size2,
                                       const std::vector<std::uint8_t>& payload) {
  return Concat(Bytes({0x60, 0x45, mid >> 8, mid & 0xff, 0x42, 0x5a, 0x5b, 0xd1, 0x06, block2, 0x52,
                       size2 >> 8, size2 & 0xff, 0xff}),
                payload);
}

Message Head(Code code) {
  Message head;
  head.type = Type::kAcknowledgement;
  head.code = code;
  return head;
}

// Figure 2: a GET without Block2 to a 300-byte body, served in blocks of 128.
TEST(Rfc7959Test, Figure2SimpleBlockwiseGet) {
  const auto body = Pattern(300);
  const FixedETagBody source(body, kETag);
  MemorySink sink;
  Message get;
  get.code = codes::kGet;
  SetUriPath(get.options, "/status");
  BlockwiseDownload download(get, sink);

  const std::uint16_t mids[] = {1234, 1235, 1236};
  const std::vector<std::uint8_t> requests[] = {GetStatus(1234, {}),
                                                GetStatus(1235, Bytes({0xc1, 0x13})),
                                                GetStatus(1236, Bytes({0xc1, 0x23}))};
  const std::vector<std::uint8_t> responses[] = {
      ContentBlock(1234, 0x0b, 300, Slice(body, 0, 128)),     // 2:0/1/128
      ContentBlock(1235, 0x1b, 300, Slice(body, 128, 256)),   // 2:1/1/128
      ContentBlock(1236, 0x23, 300, Slice(body, 256, 300))};  // 2:2/0/128
  Message request = download.FirstRequest();
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(Wire(request, Type::kConfirmable, mids[i]), requests[i]);
    auto response = ServeBlock2(Parse(requests[i]), Head(codes::kContent), source, 3);
    ASSERT_TRUE(response) << response.error().message;
    response->message_id = mids[i];
    ASSERT_EQ(Encode(*response), responses[i]);
    BlockwiseStep step = download.OnResponse(Parse(responses[i]));
    if (i < 2) {
      ASSERT_EQ(step.kind, Kind::kSend) << step.error.message;
      request = step.message;
    } else {
      ASSERT_EQ(step.kind, Kind::kDone) << step.error.message;
      EXPECT_EQ(step.message.code, codes::kContent);
      EXPECT_FALSE(step.message.options.Has(option::kBlock2));
    }
  }
  ASSERT_TRUE(sink.finished());
  EXPECT_EQ(sink.body(), body);
  EXPECT_EQ(download.announced_size(), 300u);
}

// Figure 3: early negotiation: the client asks for 64-byte blocks in its first request.
TEST(Rfc7959Test, Figure3EarlyNegotiation) {
  const auto body = Pattern(350);
  const FixedETagBody source(body, kETag);
  MemorySink sink;
  Message get;
  get.code = codes::kGet;
  SetUriPath(get.options, "/status");
  BlockwiseDownload download(get, sink, {.szx = 2, .early_negotiation = true});

  Message request = download.FirstRequest();
  for (int n = 0; n <= 5; ++n) {
    SCOPED_TRACE(n);
    const std::uint16_t mid = 1234 + n;
    const auto request_bytes = GetStatus(mid, Bytes({0xc1, (n << 4) | 0x02}));  // 2:n/0/64
    ASSERT_EQ(Wire(request, Type::kConfirmable, mid), request_bytes);
    const bool last = n == 5;
    const auto response_bytes =
        ContentBlock(mid, (n << 4) | (last ? 0 : 0x08) | 0x02, 350,  // 2:n/M/64
                     Slice(body, n * 64, last ? 350 : (n + 1) * 64));
    auto response = ServeBlock2(Parse(request_bytes), Head(codes::kContent), source, 6);
    ASSERT_TRUE(response) << response.error().message;
    response->message_id = mid;
    ASSERT_EQ(Encode(*response), response_bytes);
    BlockwiseStep step = download.OnResponse(Parse(response_bytes));
    ASSERT_EQ(step.kind, last ? Kind::kDone : Kind::kSend) << step.error.message;
    request = step.message;
  }
  EXPECT_EQ(sink.body(), body);
}

// Figure 4: late negotiation: the server's first block is 128 bytes; the client wants 64
// and goes on with block 2 of 64 (offset 128).
TEST(Rfc7959Test, Figure4LateNegotiation) {
  const auto body = Pattern(350);
  const FixedETagBody source(body, kETag);
  MemorySink sink;
  Message get;
  get.code = codes::kGet;
  SetUriPath(get.options, "/status");
  BlockwiseDownload download(get, sink, {.szx = 2});

  Message request = download.FirstRequest();
  ASSERT_EQ(Wire(request, Type::kConfirmable, 1234), GetStatus(1234, {}));
  const auto first = ContentBlock(1234, 0x0b, 350, Slice(body, 0, 128));  // 2:0/1/128
  auto served = ServeBlock2(Parse(GetStatus(1234, {})), Head(codes::kContent), source, 3);
  ASSERT_TRUE(served);
  served->message_id = 1234;
  ASSERT_EQ(Encode(*served), first);
  BlockwiseStep step = download.OnResponse(Parse(first));
  ASSERT_EQ(step.kind, Kind::kSend);
  request = step.message;

  for (int n = 2; n <= 5; ++n) {
    SCOPED_TRACE(n);
    const std::uint16_t mid = 1233 + n;
    const auto request_bytes = GetStatus(mid, Bytes({0xc1, (n << 4) | 0x02}));  // 2:n/0/64
    ASSERT_EQ(Wire(request, Type::kConfirmable, mid), request_bytes);
    const bool last = n == 5;
    const auto response_bytes = ContentBlock(mid, (n << 4) | (last ? 0 : 0x08) | 0x02, 350,
                                             Slice(body, n * 64, last ? 350 : (n + 1) * 64));
    served = ServeBlock2(Parse(request_bytes), Head(codes::kContent), source, 3);
    ASSERT_TRUE(served);
    served->message_id = mid;
    ASSERT_EQ(Encode(*served), response_bytes);
    step = download.OnResponse(Parse(response_bytes));
    ASSERT_EQ(step.kind, last ? Kind::kDone : Kind::kSend) << step.error.message;
    request = step.message;
  }
  EXPECT_EQ(sink.body(), body);
}

// CON PUT or POST to a one-segment path with Block1 (one byte) and a payload.
std::vector<std::uint8_t> BlockRequest(int method, std::uint16_t mid, std::string_view path,
                                       int block1, const std::vector<std::uint8_t>& payload) {
  auto bytes =
      Concat(Bytes({0x40, method, mid >> 8, mid & 0xff, 0xb0 | int(path.size())}), Text(path));
  bytes = Concat(bytes, Bytes({0xd1, 0x03, block1, 0xff}));  // Block1: delta 27 - 11 = 16
  return Concat(bytes, payload);
}

// ACK with a code and Block1 (one byte), no payload.
std::vector<std::uint8_t> Block1Answer(int code, std::uint16_t mid, int block1) {
  return Bytes({0x60, code, mid >> 8, mid & 0xff, 0xd1, 0x0e, block1});
}

// Plays an upload of `body` against an assembler; `exchanges` lists, per request, its MID,
// the client's Block1 and the server's Block1.
struct Exchange {
  std::uint16_t mid;
  int sent;      // Block1 of the request
  int answered;  // Block1 of the response
  std::size_t from, to;
};

void PlayUpload(int method, std::string_view path, const std::vector<std::uint8_t>& body,
                std::uint8_t client_szx, std::uint8_t server_szx,
                const std::vector<Exchange>& exchanges) {
  Message put;
  put.code = Code{static_cast<std::uint8_t>(method)};
  SetUriPath(put.options, path);
  MemoryBody source(body);
  BlockwiseUpload upload(put, source, {.szx = client_szx, .announce_size = false});
  Block1Assembler assembler({}, server_szx);

  auto first = upload.FirstRequest();
  ASSERT_TRUE(first) << first.error().message;
  Message request = *first;
  for (std::size_t i = 0; i < exchanges.size(); ++i) {
    const Exchange& e = exchanges[i];
    SCOPED_TRACE(e.mid);
    const auto request_bytes = BlockRequest(method, e.mid, path, e.sent, Slice(body, e.from, e.to));
    ASSERT_EQ(Wire(request, Type::kConfirmable, e.mid), request_bytes);
    Block1Step fed = assembler.Feed(kClient, Parse(request_bytes), kNow);
    const bool last = i + 1 == exchanges.size();
    Message response;
    if (last) {
      ASSERT_EQ(fed.kind, Block1Step::Kind::kAssembled);
      EXPECT_EQ(fed.message.payload, body);
      EXPECT_EQ(fed.message.code, put.code);
      EXPECT_FALSE(fed.message.options.Has(option::kBlock1));
      response = Head(codes::kChanged);
      Block1Assembler::EchoBlock1(response, fed);
    } else {
      ASSERT_EQ(fed.kind, Block1Step::Kind::kRespond);
      response = fed.message;
    }
    const auto response_bytes =
        Block1Answer(last ? 0x44 : 0x5f, e.mid, e.answered);  // 2.04 or 2.31
    ASSERT_EQ(Wire(response, Type::kAcknowledgement, e.mid), response_bytes);
    BlockwiseStep step = upload.OnResponse(Parse(response_bytes));
    ASSERT_EQ(step.kind, last ? Kind::kDone : Kind::kSend) << step.error.message;
    request = step.message;
  }
  EXPECT_EQ(assembler.size(), 0u);
  EXPECT_EQ(upload.acknowledged(), body.size());
}

// Figure 6: an atomic PUT in three blocks of 128.
TEST(Rfc7959Test, Figure6SimpleAtomicBlockwisePut) {
  PlayUpload(0x03, "options", Pattern(300), 3, 6,
             {{1234, 0x0b, 0x0b, 0, 128},      // 1:0/1/128 → 2.31 1:0/1/128
              {1235, 0x1b, 0x1b, 128, 256},    // 1:1/1/128 → 2.31 1:1/1/128
              {1236, 0x23, 0x23, 256, 300}});  // 1:2/0/128 → 2.04 1:2/0/128
}

// Figure 7: the server prefers 32-byte blocks; after the first 128 bytes the client goes on
// with block 4 of 32.
TEST(Rfc7959Test, Figure7BlockwisePutWithNegotiation) {
  PlayUpload(0x03, "options", Pattern(200), 3, 1,
             {{1234, 0x0b, 0x09, 0, 128},      // 1:0/1/128 → 2.31 1:0/1/32
              {1235, 0x49, 0x49, 128, 160},    // 1:4/1/32 → 2.31 1:4/1/32
              {1236, 0x59, 0x59, 160, 192},    // 1:5/1/32 → 2.31 1:5/1/32
              {1237, 0x61, 0x61, 192, 200}});  // 1:6/0/32 → 2.04 1:6/0/32
}

// Figure 8: an atomic POST in blocks of 128 whose response is block-wise too; the last
// Block1 response carries block 0 of the response body, the rest follows with Block2 and
// without Block1 (§2.7).
TEST(Rfc7959Test, Figure8AtomicPostWithBlockwiseResponse) {
  const auto request_body = Pattern(300);
  const auto response_body = Pattern(450, 99);
  const FixedETagBody response_source(response_body, kETag);
  Message post;
  post.code = codes::kPost;
  SetUriPath(post.options, "/soap");
  MemoryBody request_source(request_body);
  BlockwiseUpload upload(post, request_source, {.szx = 3, .announce_size = false});
  Block1Assembler assembler;

  auto first = upload.FirstRequest();
  ASSERT_TRUE(first);
  Message request = *first;
  for (int n = 0; n < 2; ++n) {
    auto fed = assembler.Feed(kClient, request, kNow);
    ASSERT_EQ(fed.kind, Block1Step::Kind::kRespond);
    auto step = upload.OnResponse(fed.message);
    ASSERT_EQ(step.kind, Kind::kSend);
    request = step.message;
  }
  ASSERT_EQ(Wire(request, Type::kConfirmable, 1236),
            BlockRequest(0x02, 1236, "soap", 0x23, Slice(request_body, 256, 300)));
  auto fed = assembler.Feed(kClient, request, kNow);
  ASSERT_EQ(fed.kind, Block1Step::Kind::kAssembled);
  EXPECT_EQ(fed.message.payload, request_body);

  // The handler answers 2.04 with a 450-byte body; the response echoes 1:2/0/128 and
  // carries 2:0/1/128 (ETag, Block2, Block1, Size2 in option order).
  Message head = Head(codes::kChanged);
  Block1Assembler::EchoBlock1(head, fed);
  auto served = ServeBlock2(fed.message, head, response_source, 3);
  ASSERT_TRUE(served);
  const auto final_bytes = Concat(Bytes({0x60, 0x44, 0x04, 0xd4, 0x42, 0x5a, 0x5b, 0xd1, 0x06, 0x0b,
                                         0x41, 0x23, 0x12, 0x01, 0xc2, 0xff}),
                                  Slice(response_body, 0, 128));
  ASSERT_EQ(Wire(*served, Type::kAcknowledgement, 1236), final_bytes);
  auto done = upload.OnResponse(Parse(final_bytes));
  ASSERT_EQ(done.kind, Kind::kDone);

  MemorySink sink;
  BlockwiseDownload download(post, sink, {.szx = 3});
  BlockwiseStep step = download.OnResponse(done.message);
  for (int n = 1; n <= 3; ++n) {
    SCOPED_TRACE(n);
    ASSERT_EQ(step.kind, Kind::kSend) << step.error.message;
    const std::uint16_t mid = 1236 + n;
    // CON POST /soap 2:n/0/128: no payload, no Block1.
    const auto request_bytes = Concat(Bytes({0x40, 0x02, mid >> 8, mid & 0xff, 0xb4}),
                                      Concat(Text("soap"), Bytes({0xc1, (n << 4) | 0x03})));
    ASSERT_EQ(Wire(step.message, Type::kConfirmable, mid), request_bytes);
    served = ServeBlock2(Parse(request_bytes), Head(codes::kChanged), response_source, 3);
    ASSERT_TRUE(served);
    const bool last = n == 3;
    const auto response_bytes =
        Concat(Bytes({0x60, 0x44, mid >> 8, mid & 0xff, 0x42, 0x5a, 0x5b, 0xd1, 0x06,
                      (n << 4) | (last ? 0 : 0x08) | 0x03, 0x52, 0x01, 0xc2, 0xff}),
               Slice(response_body, n * 128, last ? 450 : (n + 1) * 128));
    ASSERT_EQ(Wire(*served, Type::kAcknowledgement, mid), response_bytes);
    step = download.OnResponse(Parse(response_bytes));
  }
  ASSERT_EQ(step.kind, Kind::kDone) << step.error.message;
  EXPECT_EQ(sink.body(), response_body);
}

}  // namespace
}  // namespace custos::coap
