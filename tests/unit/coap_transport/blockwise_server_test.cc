// The endpoint's server role with block-wise transfer (RFC 7959), seen from a raw UDP
// socket: large bodies served with Block2 from the body kept between requests, files
// served one block at a time, Block1 uploads assembled before the handler sees them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using testing::UdpPeer;

const std::vector<std::uint8_t> kToken = {0xb1, 0x0c, 0x00, 0x02};

std::vector<std::uint8_t> Pattern(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>((i * 7 + 3) % 251);
  return bytes;
}

std::vector<std::uint8_t> Slice(const std::vector<std::uint8_t>& bytes, std::size_t offset,
                                std::size_t length) {
  return {bytes.begin() + offset, bytes.begin() + std::min(bytes.size(), offset + length)};
}

Block Block2Of(const Message& message) {
  auto block = GetBlock2(message.options);
  EXPECT_TRUE(block && *block) << "no Block2";
  return block && *block ? **block : Block{};
}

Message Request(Code method, std::uint16_t id, std::string_view path,
                std::optional<Block> block2 = std::nullopt) {
  Message request = MakeMessage(Type::kConfirmable, method, id, kToken, path);
  if (block2) (void)SetBlock2(request.options, *block2);
  return request;
}

class BlockwiseServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    endpoint_.reset();
    if (!file_.empty()) std::filesystem::remove(file_);
  }

  // Serves /big (kBody), /file (the file, if any) and echoes what it got for anything else:
  // "<method> <size> <first byte> <last byte>", the whole body when POSTed to /mirror.
  void Start(EndpointOptions options = {}) {
    options.listen = "127.0.0.1:0";
    auto started = Endpoint::Start(options, [this](IncomingRequest request, Responder responder) {
      ++calls_;
      const std::string path = UriPath(request.message.options);
      {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.message.payload);
      }
      Message response;
      response.code = codes::kContent;
      SetContentFormat(response.options, content_format::kOctetStream);
      if (path == "/file") {
        responder.RespondWithFile(std::move(response), file_);
        return;
      }
      if (path == "/big") {
        response.payload = body_;
      } else if (path == "/mirror") {
        response.code = codes::kChanged;
        response.payload = request.message.payload;
      } else {
        response.code = codes::kChanged;
        response.payload = Bytes(std::to_string(request.message.payload.size()));
      }
      responder.Respond(std::move(response));
    });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }

  std::optional<Message> Exchange(const Message& request) {
    client_.Send(endpoint_->port(), request);
    return client_.ReceiveMessage();
  }

  std::vector<std::uint8_t> Received(std::size_t i) {
    std::lock_guard lock(mutex_);
    return i < bodies_.size() ? bodies_[i] : std::vector<std::uint8_t>{};
  }

  const std::vector<std::uint8_t> body_ = Pattern(2500);
  std::filesystem::path file_;
  UdpPeer client_;
  std::unique_ptr<Endpoint> endpoint_;
  std::atomic<int> calls_{0};
  std::mutex mutex_;
  std::vector<std::vector<std::uint8_t>> bodies_;
};

TEST_F(BlockwiseServerTest, ServesALargeBodyInBlocksAskingTheHandlerOnce) {
  Start();
  auto first = Exchange(Request(codes::kGet, 0x0100, "/big"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->code, codes::kContent);
  EXPECT_EQ(Block2Of(*first), (Block{0, true, 6}));
  EXPECT_EQ(Size2(first->options), 2500u);
  EXPECT_EQ(ContentFormat(first->options), content_format::kOctetStream);
  const auto etag = ETags(first->options);
  ASSERT_EQ(etag.size(), 1u);
  EXPECT_EQ(first->payload, Slice(body_, 0, 1024));

  auto second = Exchange(Request(codes::kGet, 0x0101, "/big", Block{1, false, 6}));
  ASSERT_TRUE(second);
  EXPECT_EQ(Block2Of(*second), (Block{1, true, 6}));
  EXPECT_EQ(ETags(second->options), etag);
  EXPECT_EQ(second->payload, Slice(body_, 1024, 1024));

  auto last = Exchange(Request(codes::kGet, 0x0102, "/big", Block{2, false, 6}));
  ASSERT_TRUE(last);
  EXPECT_EQ(Block2Of(*last), (Block{2, false, 6}));
  EXPECT_EQ(last->payload, Slice(body_, 2048, 1024));
  EXPECT_EQ(calls_, 1);
}

TEST_F(BlockwiseServerTest, ServesTheBlockSizeTheClientAsksFor) {
  Start();
  auto first = Exchange(Request(codes::kGet, 0x0200, "/big", Block{0, false, 2}));
  ASSERT_TRUE(first);
  EXPECT_EQ(Block2Of(*first), (Block{0, true, 2}));
  EXPECT_EQ(first->payload, Slice(body_, 0, 64));
  auto next = Exchange(Request(codes::kGet, 0x0201, "/big", Block{1, false, 2}));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->payload, Slice(body_, 64, 64));
  EXPECT_EQ(calls_, 1);
}

TEST_F(BlockwiseServerTest, AsksTheHandlerAgainForALaterBlockItHasNoBodyFor) {
  Start();
  auto block = Exchange(Request(codes::kGet, 0x0300, "/big", Block{2, false, 6}));
  ASSERT_TRUE(block);
  EXPECT_EQ(Block2Of(*block), (Block{2, false, 6}));
  EXPECT_EQ(block->payload, Slice(body_, 2048, 1024));
  EXPECT_EQ(calls_, 1);
}

TEST_F(BlockwiseServerTest, FitsBlocksInASmallDatagramLimit) {
  EndpointOptions options;
  options.max_datagram = 300;
  Start(options);
  auto first = Exchange(Request(codes::kGet, 0x0400, "/big"));
  ASSERT_TRUE(first);
  EXPECT_EQ(Block2Of(*first), (Block{0, true, 3}));
  EXPECT_EQ(first->payload, Slice(body_, 0, 128));
}

TEST_F(BlockwiseServerTest, ServesAFileOneBlockAtATime) {
  file_ = std::filesystem::temp_directory_path() /
          ("custos-blockwise-" + std::to_string(::getpid()) + ".bin");
  const std::vector<std::uint8_t> content = Pattern(5000);
  std::ofstream(file_, std::ios::binary)
      .write(reinterpret_cast<const char*>(content.data()),
             static_cast<std::streamsize>(content.size()));
  Start();
  std::vector<std::uint8_t> fetched;
  for (std::uint32_t num = 0;; ++num) {
    auto response = Exchange(Request(codes::kGet, static_cast<std::uint16_t>(0x0500 + num), "/file",
                                     Block{num, false, 6}));
    ASSERT_TRUE(response);
    ASSERT_EQ(response->code, codes::kContent);
    fetched.insert(fetched.end(), response->payload.begin(), response->payload.end());
    if (!Block2Of(*response).more) break;
    ASSERT_LT(num, 10u);
  }
  EXPECT_EQ(fetched, content);
  EXPECT_EQ(calls_, 1);
}

TEST_F(BlockwiseServerTest, AnswersAMissingFileWith404) {
  file_ = "/nonexistent/custos/file";
  Start();
  auto response = Exchange(Request(codes::kGet, 0x0600, "/file"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kNotFound);
  file_.clear();
}

Message UploadBlock(std::uint16_t id, std::string_view path, const std::vector<std::uint8_t>& body,
                    std::uint32_t num, std::uint8_t szx) {
  const std::size_t size = std::size_t{16} << szx;
  const std::size_t offset = num * size;
  Message request = MakeMessage(Type::kConfirmable, codes::kPost, id, kToken, path);
  request.payload = Slice(body, offset, size);
  (void)SetBlock1(request.options, Block{num, offset + size < body.size(), szx});
  if (num == 0) SetSize1(request.options, static_cast<std::uint32_t>(body.size()));
  return request;
}

TEST_F(BlockwiseServerTest, AssemblesABlock1UploadForTheHandler) {
  Start();
  const std::vector<std::uint8_t> upload = Pattern(2200);
  for (std::uint32_t num = 0; num < 2; ++num) {
    auto response =
        Exchange(UploadBlock(static_cast<std::uint16_t>(0x0700 + num), "/up", upload, num, 6));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code, codes::kContinue);
    auto block1 = GetBlock1(response->options);
    ASSERT_TRUE(block1 && *block1);
    EXPECT_EQ(**block1, (Block{num, true, 6}));
  }
  EXPECT_EQ(calls_, 0);
  auto last = Exchange(UploadBlock(0x0702, "/up", upload, 2, 6));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->code, codes::kChanged);
  EXPECT_EQ(last->payload, Bytes("2200"));
  auto block1 = GetBlock1(last->options);
  ASSERT_TRUE(block1 && *block1);
  EXPECT_EQ(**block1, (Block{2, false, 6}));
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(Received(0), upload);
}

TEST_F(BlockwiseServerTest, RefusesAnUploadOverMaxBodyInMemoryWith413) {
  EndpointOptions options;
  options.max_body_in_memory = 2000;
  Start(options);
  auto response = Exchange(UploadBlock(0x0800, "/up", Pattern(2200), 0, 6));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kRequestEntityTooLarge);
  EXPECT_EQ(Size1(response->options), 2000u);
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(endpoint_->stats().too_large_responses, 1u);
}

// RFC 7959 Figure 8: a Block1 upload whose response body is itself block-wise.
TEST_F(BlockwiseServerTest, ServesTheLargeResponseToAnUploadWithBlock2) {
  Start();
  const std::vector<std::uint8_t> upload = Pattern(1500);
  auto first = Exchange(UploadBlock(0x0900, "/mirror", upload, 0, 6));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->code, codes::kContinue);
  auto last = Exchange(UploadBlock(0x0901, "/mirror", upload, 1, 6));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->code, codes::kChanged);
  auto block1 = GetBlock1(last->options);
  ASSERT_TRUE(block1 && *block1);
  EXPECT_EQ(**block1, (Block{1, false, 6}));
  EXPECT_EQ(Block2Of(*last), (Block{0, true, 6}));
  EXPECT_EQ(last->payload, Slice(upload, 0, 1024));

  Message follow = MakeMessage(Type::kConfirmable, codes::kPost, 0x0902, kToken, "/mirror");
  (void)SetBlock2(follow.options, Block{1, false, 6});
  auto rest = Exchange(follow);
  ASSERT_TRUE(rest);
  EXPECT_EQ(Block2Of(*rest), (Block{1, false, 6}));
  EXPECT_FALSE(rest->options.Has(option::kBlock1));
  EXPECT_EQ(rest->payload, Slice(upload, 1024, 1024));
  EXPECT_EQ(calls_, 1);
}

}  // namespace
}  // namespace custos::coap
