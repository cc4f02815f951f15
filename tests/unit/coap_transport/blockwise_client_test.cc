// The endpoint's client role with block-wise transfer (RFC 7959), against a raw UDP socket
// playing the server: each block request as it goes on the wire.
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using testing::UdpPeer;
using namespace std::chrono_literals;

using Outcome = std::future<core::Result<Message>>;

std::vector<std::uint8_t> Pattern(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>((i * 13 + 1) % 253);
  return bytes;
}

std::vector<std::uint8_t> Slice(const std::vector<std::uint8_t>& bytes, std::size_t offset,
                                std::size_t length) {
  return {bytes.begin() + offset, bytes.begin() + std::min(bytes.size(), offset + length)};
}

class BlockwiseClientTest : public ::testing::Test {
 protected:
  void Start(EndpointOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.transmission.ack_timeout = 1s;
    auto started = Endpoint::Start(std::move(options), nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  Outcome Call(Message request, RequestOptions options = {}) {
    auto promise = std::make_shared<std::promise<core::Result<Message>>>();
    Outcome outcome = promise->get_future();
    endpoint_->Request(
        server_.self(), std::move(request), std::move(options),
        [promise](core::Result<Message> result) { promise->set_value(std::move(result)); });
    return outcome;
  }
  static core::Result<Message> Wait(Outcome& outcome) {
    if (outcome.wait_for(5s) != std::future_status::ready) {
      return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
    }
    return outcome.get();
  }
  // A piggybacked answer to `request` with `payload` and Block2 (when given).
  void Answer(const Message& request, Code code, std::vector<std::uint8_t> payload,
              std::optional<Block> block2 = std::nullopt, std::optional<Block> block1 = {}) {
    Message response = MakeMessage(Type::kAcknowledgement, code, request.message_id, request.token);
    response.payload = std::move(payload);
    AddETag(response.options, {0xe7, 0x01});
    if (block2) (void)SetBlock2(response.options, *block2);
    if (block1) (void)SetBlock1(response.options, *block1);
    server_.Send(endpoint_->port(), response);
  }

  UdpPeer server_;
  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(BlockwiseClientTest, FollowsBlock2WithANewRequestPerBlock) {
  Start();
  const std::vector<std::uint8_t> body = Pattern(100);
  Message get = MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/fw/image");
  SetUriQuery(get.options, "v=2");
  Outcome outcome = Call(get);

  auto first = server_.ReceiveMessage();
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->options.Has(option::kBlock2));  // late negotiation
  Answer(*first, codes::kContent, Slice(body, 0, 64), Block{0, true, 2});

  auto second = server_.ReceiveMessage();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->code, codes::kGet);
  EXPECT_EQ(UriPath(second->options), "/fw/image");
  EXPECT_EQ(UriQuery(second->options), "v=2");
  EXPECT_NE(second->message_id, first->message_id);
  auto block2 = GetBlock2(second->options);
  ASSERT_TRUE(block2 && *block2);
  EXPECT_EQ(**block2, (Block{1, false, 2}));
  Answer(*second, codes::kContent, Slice(body, 64, 64), Block{1, false, 2});

  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kContent);
  EXPECT_EQ(result->payload, body);
  EXPECT_FALSE(result->options.Has(option::kBlock2));
}

TEST_F(BlockwiseClientTest, FailsADownloadOverMaxBodyInMemory) {
  EndpointOptions options;
  options.max_body_in_memory = 100;
  Start(options);
  Outcome outcome = Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/big"));
  auto first = server_.ReceiveMessage();
  ASSERT_TRUE(first);
  Message response =
      MakeMessage(Type::kAcknowledgement, codes::kContent, first->message_id, first->token);
  response.payload = Pattern(64);
  (void)SetBlock2(response.options, Block{0, true, 2});
  SetSize2(response.options, 4096);
  server_.Send(endpoint_->port(), response);
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kPayloadTooLarge);
}

TEST_F(BlockwiseClientTest, DeliversTheErrorResponseThatEndsADownload) {
  Start();
  Outcome outcome = Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/gone"));
  auto first = server_.ReceiveMessage();
  ASSERT_TRUE(first);
  Answer(*first, codes::kContent, Pattern(64), Block{0, true, 2});
  auto second = server_.ReceiveMessage();
  ASSERT_TRUE(second);
  Answer(*second, codes::kNotFound, {});
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kNotFound);
}

TEST_F(BlockwiseClientTest, UploadsABodyTooLargeForOneDatagramWithBlock1) {
  EndpointOptions options;
  options.max_datagram = 300;
  Start(options);
  const std::vector<std::uint8_t> body = Pattern(300);
  Message put = MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/5/0/0");
  put.payload = body;
  Outcome outcome = Call(put);

  // Blocks of 128 bytes fit in 300; the first announces the size.
  std::vector<std::uint8_t> received;
  for (std::uint32_t num = 0; num < 3; ++num) {
    auto request = server_.ReceiveMessage();
    ASSERT_TRUE(request);
    EXPECT_EQ(request->code, codes::kPut);
    EXPECT_EQ(UriPath(request->options), "/5/0/0");
    auto block1 = GetBlock1(request->options);
    ASSERT_TRUE(block1 && *block1);
    EXPECT_EQ(**block1, (Block{num, num < 2, 3}));
    EXPECT_EQ(Size1(request->options), num == 0 ? std::optional<std::uint32_t>(300) : std::nullopt);
    received.insert(received.end(), request->payload.begin(), request->payload.end());
    Answer(*request, num < 2 ? codes::kContinue : codes::kChanged, {}, std::nullopt, **block1);
  }
  EXPECT_EQ(received, body);
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kChanged);
}

TEST_F(BlockwiseClientTest, DeliversA413ThatRefusesAnUpload) {
  EndpointOptions options;
  options.max_datagram = 300;
  Start(options);
  Message put = MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/x");
  put.payload = Pattern(1000);
  Outcome outcome = Call(put);
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  Message refusal = MakeMessage(Type::kAcknowledgement, codes::kRequestEntityTooLarge,
                                request->message_id, request->token);
  SetSize1(refusal.options, 500);
  server_.Send(endpoint_->port(), refusal);
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kRequestEntityTooLarge);
  EXPECT_EQ(Size1(result->options), 500u);
}

TEST_F(BlockwiseClientTest, FailsAnUploadOfAFileThatDoesNotExist) {
  Start();
  RequestOptions options;
  options.upload_file = "/nonexistent/custos/upload";
  Outcome outcome = Call(MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/x"), options);
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::coap
