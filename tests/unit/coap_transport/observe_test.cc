// The endpoint observing a resource (RFC 7641) on a raw UDP socket playing the server:
// notifications in freshness order, acknowledged when CON, RST for tokens it does not
// hold, passive and active cancel, and the ways an observation ends.
#include <gtest/gtest.h>

#include <mutex>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using testing::UdpPeer;
using testing::WaitUntil;
using namespace std::chrono_literals;

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

class ObserveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.transmission.ack_timeout = 1s;
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  void TearDown() override { endpoint_.reset(); }

  // Observes /temp and waits for the registration GET.
  ObservationId StartObserving() {
    Message get = MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/temp");
    const ObservationId id =
        endpoint_->Observe(server_.self(), get, [this](core::Result<Message> notification) {
          std::lock_guard lock(mutex_);
          seen_.push_back(std::move(notification));
        });
    auto registration = server_.ReceiveMessage();
    EXPECT_TRUE(registration);
    if (registration) registration_ = *registration;
    return id;
  }
  // A notification from the server with the registration's token.
  void Notify(Type type, std::uint16_t message_id, std::optional<std::uint32_t> sequence,
              std::string_view payload, Code code = codes::kContent) {
    Message message = MakeMessage(type, code, message_id, registration_.token, {}, payload);
    if (sequence) SetObserve(message.options, *sequence);
    server_.Send(endpoint_->port(), message);
  }
  std::size_t Seen() {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  core::Result<Message> SeenAt(std::size_t i) {
    std::lock_guard lock(mutex_);
    return seen_.at(i);
  }
  bool WaitForSeen(std::size_t n) {
    return WaitUntil([&] { return Seen() >= n; });
  }

  UdpPeer server_;
  std::unique_ptr<Endpoint> endpoint_;
  Message registration_;
  std::mutex mutex_;
  std::vector<core::Result<Message>> seen_;
};

TEST_F(ObserveTest, DeliversFreshNotificationsInOrderAndAcknowledgesConfirmableOnes) {
  StartObserving();
  EXPECT_EQ(registration_.code, codes::kGet);
  EXPECT_EQ(Observe(registration_.options), 0u);
  EXPECT_EQ(UriPath(registration_.options), "/temp");
  Message first = MakeMessage(Type::kAcknowledgement, codes::kContent, registration_.message_id,
                              registration_.token, {}, "20");
  SetObserve(first.options, 5);
  server_.Send(endpoint_->port(), first);
  ASSERT_TRUE(WaitForSeen(1));

  Notify(Type::kConfirmable, 0x0601, 6, "21");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0601));
  // A NON notification is not acknowledged: the next datagram is the ACK of the CON after.
  Notify(Type::kNonConfirmable, 0x0602, 7, "22");
  Notify(Type::kConfirmable, 0x0603, 6, "stale");  // acknowledged, not handed over
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0603));
  Notify(Type::kConfirmable, 0x0604, 8, "23");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0604));

  ASSERT_TRUE(WaitForSeen(4));
  std::vector<std::string> payloads;
  for (std::size_t i = 0; i < 4; ++i) {
    auto notification = SeenAt(i);
    ASSERT_TRUE(notification) << notification.error().message;
    payloads.push_back(Text(notification->payload));
  }
  EXPECT_EQ(payloads, (std::vector<std::string>{"20", "21", "22", "23"}));
  EXPECT_EQ(Observe(SeenAt(3)->options), 8u);
  EXPECT_EQ(Seen(), 4u);
}

TEST_F(ObserveTest, ResetsNotificationsWithATokenItDoesNotHold) {
  Message stray = MakeMessage(Type::kConfirmable, codes::kContent, 0x0701, {1, 2, 3}, {}, "x");
  SetObserve(stray.options, 3);
  server_.Send(endpoint_->port(), stray);
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0701));
  stray.type = Type::kNonConfirmable;
  stray.message_id = 0x0702;
  server_.Send(endpoint_->port(), stray);
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0702));
}

TEST_F(ObserveTest, PassiveCancelEndsAtOnceAndResetsTheNextNotification) {
  const ObservationId id = StartObserving();
  Notify(Type::kConfirmable, 0x0801, 1, "a");  // a separate response to the registration
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0801));
  ASSERT_TRUE(WaitForSeen(1));

  endpoint_->CancelObservation(id, false);
  ASSERT_TRUE(WaitForSeen(2));
  ASSERT_FALSE(SeenAt(1));
  EXPECT_EQ(SeenAt(1).error().code, core::ErrorCode::kFailedPrecondition);

  Notify(Type::kConfirmable, 0x0802, 2, "b");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0802));
  EXPECT_EQ(Seen(), 2u);
}

TEST_F(ObserveTest, ActiveCancelSendsObserveOneWithTheSameTokenAndEndsWithItsAnswer) {
  const ObservationId id = StartObserving();
  Notify(Type::kNonConfirmable, 0x0901, 1, "a");
  ASSERT_TRUE(WaitForSeen(1));

  endpoint_->CancelObservation(id, true);
  auto cancel = server_.ReceiveMessage();
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->code, codes::kGet);
  EXPECT_EQ(cancel->token, registration_.token);
  EXPECT_EQ(Observe(cancel->options), 1u);
  EXPECT_EQ(UriPath(cancel->options), "/temp");
  // A notification crossing the cancel is still handed over.
  Notify(Type::kNonConfirmable, 0x0902, 2, "b");
  Message answer = MakeMessage(Type::kAcknowledgement, codes::kContent, cancel->message_id,
                               cancel->token, {}, "last");
  server_.Send(endpoint_->port(), answer);

  ASSERT_TRUE(WaitForSeen(3));
  EXPECT_EQ(Text(SeenAt(1)->payload), "b");
  ASSERT_TRUE(SeenAt(2));
  EXPECT_EQ(Text(SeenAt(2)->payload), "last");
  EXPECT_FALSE(SeenAt(2)->options.Has(option::kObserve));

  Notify(Type::kConfirmable, 0x0903, 3, "c");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0903));
  EXPECT_EQ(Seen(), 3u);
}

TEST_F(ObserveTest, AnErrorResponseEndsTheObservation) {
  StartObserving();
  Message refusal = MakeMessage(Type::kAcknowledgement, codes::kNotFound, registration_.message_id,
                                registration_.token);
  server_.Send(endpoint_->port(), refusal);
  ASSERT_TRUE(WaitForSeen(1));
  ASSERT_TRUE(SeenAt(0));
  EXPECT_EQ(SeenAt(0)->code, codes::kNotFound);
  Notify(Type::kConfirmable, 0x0a01, 1, "late");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0a01));
  EXPECT_EQ(Seen(), 1u);
}

TEST_F(ObserveTest, AResponseWithoutObserveEndsTheObservation) {
  StartObserving();
  Notify(Type::kConfirmable, 0x0b01, std::nullopt, "not observable");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0b01));
  ASSERT_TRUE(WaitForSeen(1));
  EXPECT_EQ(Text(SeenAt(0)->payload), "not observable");
  Notify(Type::kNonConfirmable, 0x0b02, 1, "late");
  EXPECT_EQ(server_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0b02));
}

TEST_F(ObserveTest, AResetOfTheRegistrationEndsItWithAnError) {
  StartObserving();
  server_.Send(endpoint_->port(),
               MakeMessage(Type::kReset, codes::kEmpty, registration_.message_id));
  ASSERT_TRUE(WaitForSeen(1));
  ASSERT_FALSE(SeenAt(0));
  EXPECT_EQ(SeenAt(0).error().code, core::ErrorCode::kUnavailable);
}

TEST_F(ObserveTest, StopEndsTheObservationWithAnError) {
  StartObserving();
  Notify(Type::kNonConfirmable, 0x0c01, 1, "a");
  ASSERT_TRUE(WaitForSeen(1));
  endpoint_->Stop();
  ASSERT_EQ(Seen(), 2u);
  ASSERT_FALSE(SeenAt(1));
  EXPECT_EQ(SeenAt(1).error().code, core::ErrorCode::kUnavailable);
}

TEST_F(ObserveTest, RefusesAMethodOtherThanGet) {
  endpoint_->Observe(server_.self(), MakeMessage(Type::kConfirmable, codes::kPost, 0, {}, "/x"),
                     [this](core::Result<Message> notification) {
                       std::lock_guard lock(mutex_);
                       seen_.push_back(std::move(notification));
                     });
  ASSERT_TRUE(WaitForSeen(1));
  ASSERT_FALSE(SeenAt(0));
  EXPECT_EQ(SeenAt(0).error().code, core::ErrorCode::kInvalidArgument);
}

TEST_F(ObserveTest, HandsOverABlockWiseNotificationWhole) {
  StartObserving();
  const std::vector<std::uint8_t> body(100, 0x5a);
  Message first = MakeMessage(Type::kAcknowledgement, codes::kContent, registration_.message_id,
                              registration_.token);
  SetObserve(first.options, 9);
  (void)SetBlock2(first.options, Block{0, true, 2});
  first.payload.assign(body.begin(), body.begin() + 64);
  server_.Send(endpoint_->port(), first);

  auto rest = server_.ReceiveMessage();
  ASSERT_TRUE(rest);
  EXPECT_FALSE(rest->options.Has(option::kObserve));
  EXPECT_NE(rest->token, registration_.token);
  auto block2 = GetBlock2(rest->options);
  ASSERT_TRUE(block2 && *block2);
  EXPECT_EQ(**block2, (Block{1, false, 2}));
  Message last =
      MakeMessage(Type::kAcknowledgement, codes::kContent, rest->message_id, rest->token);
  (void)SetBlock2(last.options, Block{1, false, 2});
  last.payload.assign(body.begin() + 64, body.end());
  server_.Send(endpoint_->port(), last);

  ASSERT_TRUE(WaitForSeen(1));
  ASSERT_TRUE(SeenAt(0)) << SeenAt(0).error().message;
  EXPECT_EQ(SeenAt(0)->payload, body);
  EXPECT_EQ(Observe(SeenAt(0)->options), 9u);
  // Still observing: the next notification is handed over.
  Notify(Type::kNonConfirmable, 0x0d01, 10, "small");
  ASSERT_TRUE(WaitForSeen(2));
  EXPECT_EQ(Text(SeenAt(1)->payload), "small");
}

}  // namespace
}  // namespace custos::coap
