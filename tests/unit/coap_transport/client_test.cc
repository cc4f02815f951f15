// The endpoint as a client, against a raw UDP socket playing the server.
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
using testing::WaitUntil;
using namespace std::chrono_literals;

using Outcome = std::future<core::Result<Message>>;

EndpointOptions TestOptions() {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.transmission.ack_timeout = 50ms;
  options.transmission.max_retransmit = 2;
  return options;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(TestOptions()); }
  void Start(EndpointOptions options) {
    endpoint_.reset();
    auto started = Endpoint::Start(std::move(options), nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  Outcome Get(std::string_view path, RequestOptions options = {}) {
    return Call(MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, path), options);
  }
  Outcome Call(Message request, RequestOptions options = {}) {
    auto promise = std::make_shared<std::promise<core::Result<Message>>>();
    Outcome outcome = promise->get_future();
    endpoint_->Request(
        server_.self(), std::move(request), options,
        [promise](core::Result<Message> result) { promise->set_value(std::move(result)); });
    return outcome;
  }
  static core::Result<Message> Wait(Outcome& outcome) {
    if (outcome.wait_for(5s) != std::future_status::ready) {
      return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
    }
    return outcome.get();
  }
  void Reply(const Message& message) { server_.Send(endpoint_->port(), message); }

  UdpPeer server_;
  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(ClientTest, DeliversAPiggybackedResponse) {
  Outcome outcome = Get("/x");
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->type, Type::kConfirmable);
  EXPECT_EQ(request->code, codes::kGet);
  EXPECT_EQ(request->token.size(), 8u);
  EXPECT_EQ(UriPath(request->options), "/x");
  EXPECT_EQ(server_.last_source_port(), endpoint_->port());

  Reply(MakeMessage(Type::kAcknowledgement, codes::kContent, request->message_id, request->token,
                    {}, "ok"));
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kContent);
  EXPECT_EQ(result->payload, Bytes("ok"));
}

TEST_F(ClientTest, AcknowledgesASeparateResponse) {
  Outcome outcome = Get("/slow");
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  Reply(MakeMessage(Type::kAcknowledgement, codes::kEmpty, request->message_id));
  Reply(MakeMessage(Type::kConfirmable, codes::kContent, 0x7777, request->token, {}, "later"));
  EXPECT_EQ(server_.Receive(), (std::vector<std::uint8_t>{0x60, 0x00, 0x77, 0x77}));
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->payload, Bytes("later"));
}

TEST_F(ClientTest, TakesASeparateResponseThatOvertakesItsAck) {
  Outcome outcome = Get("/slow");
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  Reply(MakeMessage(Type::kConfirmable, codes::kContent, 0x7778, request->token, {}, "first"));
  EXPECT_EQ(server_.Receive(), (std::vector<std::uint8_t>{0x60, 0x00, 0x77, 0x78}));
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->payload, Bytes("first"));
}

TEST_F(ClientTest, FailsUnavailableOnReset) {
  Outcome outcome = Get("/x");
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  Reply(MakeMessage(Type::kReset, codes::kEmpty, request->message_id));
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kUnavailable);
}

TEST_F(ClientTest, RetransmitsAndTimesOutWhenNeverAcknowledged) {
  Outcome outcome = Get("/void");
  auto first = server_.Receive();
  ASSERT_TRUE(first);
  // MAX_RETRANSMIT = 2: the same bytes twice more.
  EXPECT_EQ(server_.Receive(), first);
  EXPECT_EQ(server_.Receive(), first);
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kTimeout);
  const EndpointStats stats = endpoint_->stats();
  EXPECT_EQ(stats.retransmissions, 2u);
  EXPECT_EQ(stats.transmit_timeouts, 1u);
}

TEST_F(ClientTest, TimesOutWhenAcknowledgedButNeverAnswered) {
  RequestOptions options;
  options.response_timeout = 100ms;
  Outcome outcome = Get("/never", options);
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  Reply(MakeMessage(Type::kAcknowledgement, codes::kEmpty, request->message_id));
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kTimeout);
  EXPECT_EQ(endpoint_->stats().response_timeouts, 1u);
}

TEST_F(ClientTest, MatchesANonConfirmableResponseByToken) {
  RequestOptions options;
  options.confirmable = false;
  Outcome outcome = Get("/n", options);
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->type, Type::kNonConfirmable);
  Reply(MakeMessage(Type::kNonConfirmable, codes::kContent, 0x4444, request->token, {}, "non"));
  auto result = Wait(outcome);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->payload, Bytes("non"));
}

TEST_F(ClientTest, SendsTheNextRequestToAPeerOnlyAfterTheFirstIsAcknowledged) {
  Outcome first = Get("/1");
  Outcome second = Get("/2");
  auto request = server_.ReceiveMessage();
  ASSERT_TRUE(request);
  EXPECT_EQ(UriPath(request->options), "/1");
  // Both requests were handed over before this ping; with NSTART = 1 only its RST comes back.
  server_.Send(endpoint_->port(), MakeMessage(Type::kConfirmable, codes::kEmpty, 0x0bad));
  EXPECT_EQ(server_.Receive(), Encode(MakeMessage(Type::kReset, codes::kEmpty, 0x0bad)));

  Reply(MakeMessage(Type::kAcknowledgement, codes::kEmpty, request->message_id));
  auto next = server_.ReceiveMessage();
  ASSERT_TRUE(next);
  EXPECT_EQ(UriPath(next->options), "/2");
  EXPECT_NE(next->token, request->token);
  Reply(MakeMessage(Type::kAcknowledgement, codes::kContent, next->message_id, next->token));
  Reply(MakeMessage(Type::kNonConfirmable, codes::kContent, 0x5555, request->token));
  EXPECT_TRUE(Wait(first));
  EXPECT_TRUE(Wait(second));
}

TEST_F(ClientTest, RejectsAnUnexpectedConfirmableResponseWithReset) {
  Reply(MakeMessage(Type::kConfirmable, codes::kContent, 0x0999, {1, 2, 3}, {}, "who?"));
  EXPECT_EQ(server_.Receive(), (std::vector<std::uint8_t>{0x70, 0x00, 0x09, 0x99}));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().unexpected_responses == 1; }));
}

TEST_F(ClientTest, CountsAStrayAck) {
  Reply(MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x1111));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().stray_acks == 1; }));
}

TEST_F(ClientTest, StopFailsPendingRequestsAndLaterOnes) {
  Outcome pending = Get("/pending");
  ASSERT_TRUE(server_.Receive());
  endpoint_->Stop();
  auto result = Wait(pending);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kUnavailable);

  Outcome late = Get("/late");
  auto late_result = Wait(late);
  ASSERT_FALSE(late_result);
  EXPECT_EQ(late_result.error().code, core::ErrorCode::kUnavailable);
}

TEST_F(ClientTest, RefusesAResponseCodeAsARequest) {
  Outcome outcome = Call(MakeMessage(Type::kConfirmable, codes::kContent, 0));
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
}

TEST_F(ClientTest, RefusesARequestWhoseOptionsAloneDoNotFitInOneDatagram) {
  // A large body would go block-wise; options cannot.
  Message request = MakeMessage(Type::kConfirmable, codes::kPut, 0, {}, "/big", "body");
  for (int i = 0; i < 8; ++i) request.options.AddString(option::kUriQuery, std::string(250, 'q'));
  Outcome outcome = Call(std::move(request));
  auto result = Wait(outcome);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace custos::coap
