// The endpoint as a server, seen from a raw UDP socket: the exact bytes of each answer.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using testing::UdpPeer;
using testing::WaitUntil;

const std::vector<std::uint8_t> kToken = {0xca, 0xfe, 0x00, 0x01};

EndpointOptions TestOptions() {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.transmission.ack_timeout = std::chrono::milliseconds(50);
  options.transmission.max_retransmit = 2;
  return options;
}

Message Content(std::string_view payload) {
  Message response;
  response.code = codes::kContent;
  response.payload = Bytes(payload);
  return response;
}

std::vector<std::uint8_t> Empty(Type type, std::uint16_t message_id) {
  return Encode(MakeMessage(type, codes::kEmpty, message_id));
}

class ServerTest : public ::testing::Test {
 protected:
  // Stops the threads before the handlers' state below goes.
  void TearDown() override { endpoint_.reset(); }
  void Start(RequestHandler handler, EndpointOptions options = TestOptions()) {
    auto started = Endpoint::Start(std::move(options), std::move(handler));
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  // Answers synchronously with 2.05 and the request's path, counting the calls.
  void StartEcho(EndpointOptions options = TestOptions()) {
    Start(
        [this](IncomingRequest request, Responder responder) {
          ++calls_;
          responder.Respond(Content("path " + UriPath(request.message.options)));
        },
        std::move(options));
  }
  // Keeps every Responder for the test to answer later.
  void StartDeferred() {
    Start([this](IncomingRequest request, Responder responder) {
      ++calls_;
      std::lock_guard lock(mutex_);
      kept_.push_back(responder);
    });
  }
  std::optional<Responder> Kept(std::size_t i) {
    if (!WaitUntil([&] {
          std::lock_guard lock(mutex_);
          return kept_.size() > i;
        })) {
      return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    return kept_[i];
  }
  void Send(const Message& message) { client_.Send(endpoint_->port(), message); }
  void Send(std::vector<std::uint8_t> bytes) { client_.Send(endpoint_->port(), bytes); }
  // Sends a ping and skips datagrams until its RST: everything sent before the ping has
  // been handled by then.
  bool Barrier(std::uint16_t ping_id = 0xbeef) {
    Send(Empty(Type::kConfirmable, ping_id));
    const auto reset = Empty(Type::kReset, ping_id);
    for (int i = 0; i < 20; ++i) {
      auto bytes = client_.Receive();
      if (!bytes) return false;
      if (*bytes == reset) return true;
    }
    return false;
  }

  UdpPeer client_;
  std::unique_ptr<Endpoint> endpoint_;
  std::atomic<int> calls_{0};
  std::mutex mutex_;
  std::vector<Responder> kept_;
};

TEST_F(ServerTest, PiggybacksAnAnswerGivenDuringTheHandler) {
  StartEcho();
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x1234, kToken, "/hello"));
  const auto expected = Encode(
      MakeMessage(Type::kAcknowledgement, codes::kContent, 0x1234, kToken, {}, "path /hello"));
  EXPECT_EQ(client_.Receive(), expected);
  EXPECT_EQ(calls_, 1);
}

TEST_F(ServerTest, AcknowledgesAtOnceAndRetransmitsALateAnswerUntilAcknowledged) {
  StartDeferred();
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x0101, kToken, "/slow"));
  EXPECT_EQ(client_.Receive(), Empty(Type::kAcknowledgement, 0x0101));

  auto responder = Kept(0);
  ASSERT_TRUE(responder);
  responder->Respond(Content("late"));
  auto first = client_.Receive();
  ASSERT_TRUE(first);
  auto response = Decode(*first);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kConfirmable);
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(response->payload, Bytes("late"));
  // Not acknowledged: the same bytes again.
  EXPECT_EQ(client_.Receive(), first);

  Send(Empty(Type::kAcknowledgement, response->message_id));
  ASSERT_TRUE(Barrier());
  // A second ACK of the same id is stray: the first one ended the retransmission.
  Send(Empty(Type::kAcknowledgement, response->message_id));
  ASSERT_TRUE(Barrier(0xbef0));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().stray_acks == 1; }));
  EXPECT_GE(endpoint_->stats().retransmissions, 1u);
  EXPECT_EQ(endpoint_->stats().transmit_timeouts, 0u);
}

TEST_F(ServerTest, AnswersADuplicateWithTheSameBytesAndCallsTheHandlerOnce) {
  StartEcho();
  const auto request = Encode(MakeMessage(Type::kConfirmable, codes::kGet, 77, kToken, "/a"));
  Send(request);
  auto first = client_.Receive();
  Send(request);
  auto second = client_.Receive();
  ASSERT_TRUE(first);
  EXPECT_EQ(second, first);
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().duplicates == 1; }));
}

TEST_F(ServerTest, AnswersADuplicateOfADeferredRequestWithTheEmptyAckAgain) {
  StartDeferred();
  const auto request = Encode(MakeMessage(Type::kConfirmable, codes::kGet, 78, kToken, "/a"));
  Send(request);
  EXPECT_EQ(client_.Receive(), Empty(Type::kAcknowledgement, 78));
  Send(request);
  EXPECT_EQ(client_.Receive(), Empty(Type::kAcknowledgement, 78));
  EXPECT_EQ(calls_, 1);
}

TEST_F(ServerTest, AnswersANonConfirmableRequestWithANonConfirmableResponse) {
  StartEcho();
  Send(MakeMessage(Type::kNonConfirmable, codes::kGet, 0x0505, kToken, "/n"));
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kNonConfirmable);
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(response->payload, Bytes("path /n"));
}

TEST_F(ServerTest, AnswersALateAnswerToANonConfirmableRequestWithANonConfirmableResponse) {
  StartDeferred();
  Send(MakeMessage(Type::kNonConfirmable, codes::kGet, 0x0506, kToken, "/n"));
  auto responder = Kept(0);
  ASSERT_TRUE(responder);
  responder->Respond(Content("later"));
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kNonConfirmable);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(response->payload, Bytes("later"));
}

TEST_F(ServerTest, AnswersAPingWithReset) {
  StartEcho();
  Send(std::vector<std::uint8_t>{0x40, 0x00, 0xab, 0xcd});
  EXPECT_EQ(client_.Receive(), (std::vector<std::uint8_t>{0x70, 0x00, 0xab, 0xcd}));
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerTest, RejectsAMalformedConfirmableWithReset) {
  StartEcho();
  // CON GET announcing an 8-byte token that is not there.
  Send(std::vector<std::uint8_t>{0x48, 0x01, 0x12, 0x34});
  EXPECT_EQ(client_.Receive(), (std::vector<std::uint8_t>{0x70, 0x00, 0x12, 0x34}));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().malformed_dropped == 1; }));
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerTest, DropsAMalformedNonConfirmableAndCountsIt) {
  StartEcho();
  Send(std::vector<std::uint8_t>{0x58, 0x01, 0x00, 0x01});
  // The first thing back is the ping's RST: nothing was sent for the malformed NON.
  Send(Empty(Type::kConfirmable, 2));
  EXPECT_EQ(client_.Receive(), Empty(Type::kReset, 2));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().malformed_dropped == 1; }));
  EXPECT_EQ(endpoint_->stats().resets_sent, 1u);
  EXPECT_EQ(calls_, 0);
}

TEST_F(ServerTest, RefusesAnUnrecognisedCriticalOptionWith402) {
  StartEcho();
  Message request = MakeMessage(Type::kConfirmable, codes::kGet, 0x0402, kToken, "/x");
  request.options.Add(2049, Bytes("?"));
  Send(request);
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kAcknowledgement);
  EXPECT_EQ(response->message_id, 0x0402);
  EXPECT_EQ(response->code, codes::kBadOption);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(calls_, 0);
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().bad_option_responses == 1; }));
}

TEST_F(ServerTest, IgnoresAnUnrecognisedElectiveOption) {
  StartEcho();
  Message request = MakeMessage(Type::kConfirmable, codes::kGet, 0x0403, kToken, "/x");
  request.options.Add(2048, Bytes("?"));
  Send(request);
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(calls_, 1);
}

TEST_F(ServerTest, RefusesADatagramOverTheLimitWith413AndSize1) {
  EndpointOptions options = TestOptions();
  options.max_datagram = 100;
  StartEcho(options);
  Send(
      MakeMessage(Type::kConfirmable, codes::kPost, 0x0413, kToken, "/big", std::string(200, 'a')));
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kAcknowledgement);
  EXPECT_EQ(response->message_id, 0x0413);
  EXPECT_EQ(response->code, codes::kRequestEntityTooLarge);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(Size1(response->options), 100u);
  EXPECT_EQ(calls_, 0);
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().too_large_responses == 1; }));
}

TEST_F(ServerTest, AnswersAResponseWhoseOptionsAloneDoNotFitWith500) {
  Start([](IncomingRequest, Responder responder) {
    // A large body would go block-wise; options cannot.
    Message response = Content("x");
    for (int i = 0; i < 8; ++i)
      response.options.AddString(option::kLocationPath, std::string(250, 'p'));
    responder.Respond(std::move(response));
  });
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x0500, kToken, "/huge"));
  EXPECT_EQ(client_.Receive(), Encode(MakeMessage(Type::kAcknowledgement,
                                                  codes::kInternalServerError, 0x0500, kToken)));
}

TEST_F(ServerTest, AnswersWith500WhenTheHandlerDropsTheResponder) {
  Start([](IncomingRequest, Responder) {});
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x0501, kToken, "/dropped"));
  EXPECT_EQ(client_.Receive(), Encode(MakeMessage(Type::kAcknowledgement,
                                                  codes::kInternalServerError, 0x0501, kToken)));
}

TEST_F(ServerTest, AnswersWith500WhenTheHandlerThrows) {
  Start([](IncomingRequest, Responder) { throw std::runtime_error("boom"); });
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x0502, kToken, "/throws"));
  EXPECT_EQ(client_.Receive(), Encode(MakeMessage(Type::kAcknowledgement,
                                                  codes::kInternalServerError, 0x0502, kToken)));
}

TEST_F(ServerTest, AnswersWith500WhenTheLastResponderIsDroppedLater) {
  StartDeferred();
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 0x0503, kToken, "/lost"));
  EXPECT_EQ(client_.Receive(), Empty(Type::kAcknowledgement, 0x0503));
  ASSERT_TRUE(Kept(0));
  {
    std::lock_guard lock(mutex_);
    kept_.clear();
  }
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kConfirmable);
  EXPECT_EQ(response->code, codes::kInternalServerError);
  EXPECT_EQ(response->token, kToken);
}

TEST_F(ServerTest, SendsOnlyTheFirstOfTwoAnswers) {
  StartDeferred();
  Send(MakeMessage(Type::kNonConfirmable, codes::kGet, 0x0600, kToken, "/twice"));
  auto responder = Kept(0);
  ASSERT_TRUE(responder);
  responder->Respond(Content("one"));
  responder->Respond(Content("two"));
  EXPECT_TRUE(responder->answered());
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->payload, Bytes("one"));
  // Both answers were given before the ping: only the ping's RST follows.
  Send(Empty(Type::kConfirmable, 3));
  EXPECT_EQ(client_.Receive(), Empty(Type::kReset, 3));
}

TEST_F(ServerTest, CountsDatagramsInAndOut) {
  StartEcho();
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 1, kToken, "/a"));
  ASSERT_TRUE(client_.Receive());
  EXPECT_TRUE(WaitUntil([&] {
    const EndpointStats stats = endpoint_->stats();
    return stats.datagrams_received == 1 && stats.datagrams_sent == 1 && stats.peers == 1;
  }));
}

TEST_F(ServerTest, ForgetsAPeerIdleForTheTimeout) {
  EndpointOptions options = TestOptions();
  options.peer_idle_timeout = std::chrono::seconds(1);
  StartEcho(options);
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 1, kToken, "/a"));
  ASSERT_TRUE(client_.Receive());
  EXPECT_TRUE(WaitUntil([&] {
    const EndpointStats stats = endpoint_->stats();
    return stats.peers == 0 && stats.peers_evicted == 1;
  }));
}

TEST_F(ServerTest, DropsRequestsFromNewPeersBeyondMaxPeers) {
  EndpointOptions options = TestOptions();
  options.max_peers = 1;
  StartEcho(options);
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 1, kToken, "/first"));
  ASSERT_TRUE(client_.Receive());

  UdpPeer second;
  second.Send(endpoint_->port(), MakeMessage(Type::kConfirmable, codes::kGet, 2, kToken, "/b"));
  // A ping needs no state, so it is answered: by then the request above was handled.
  second.Send(endpoint_->port(), Empty(Type::kConfirmable, 3));
  EXPECT_EQ(second.Receive(), Empty(Type::kReset, 3));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().peers_refused == 1; }));
  EXPECT_EQ(calls_, 1);

  // The known peer is still served.
  Send(MakeMessage(Type::kConfirmable, codes::kGet, 4, kToken, "/again"));
  auto response = client_.ReceiveMessage();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->code, codes::kContent);
}

}  // namespace
}  // namespace custos::coap
