// The endpoint as the notifying server (RFC 7641 §4): a handler accepts an observation and
// the Notifier sends notifications to a raw UDP socket playing the observer, CON and NON,
// with fresh sequence numbers; an RST, a transmit timeout, a deregistration, a response
// that is not 2.xx and Stop each end it once. Also FETCH observations (RFC 8132 §2.4) on
// the client role, and two endpoints observing each other.
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

class NotifyTest : public ::testing::Test {
 protected:
  void Start(TransmissionParams transmission = {}) {
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.transmission = transmission;
    auto started = Endpoint::Start(options, [this](IncomingRequest request, Responder responder) {
      std::lock_guard lock(mutex_);
      ++requests_;
      if (Observe(request.message.options) == 0u && !refuse_) {
        notifier_ = responder.AcceptObservation([this](core::Error error) {
          std::lock_guard lock(mutex_);
          ended_.push_back(error);
        });
      }
      Message response;
      response.code = refuse_ ? codes::kNotFound : codes::kContent;
      response.payload = Bytes("first");
      responder.Respond(std::move(response));
    });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  void TearDown() override { endpoint_.reset(); }

  // The observer's registration and the endpoint's answer to it.
  Message Register(std::vector<std::uint8_t> token = {7, 7}) {
    Message get = MakeMessage(Type::kConfirmable, codes::kGet, next_id_++, token, "/temp");
    SetObserve(get.options, 0);
    observer_.Send(endpoint_->port(), get);
    auto answer = observer_.ReceiveMessage();
    EXPECT_TRUE(answer);
    return answer.value_or(Message{});
  }
  Notifier notifier() {
    std::lock_guard lock(mutex_);
    return notifier_;
  }
  std::vector<core::Error> ended() {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  bool WaitForEnd() {
    return WaitUntil([&] { return !ended().empty(); });
  }

  UdpPeer observer_;
  std::unique_ptr<Endpoint> endpoint_;
  std::mutex mutex_;
  Notifier notifier_;
  std::vector<core::Error> ended_;
  int requests_ = 0;
  std::uint16_t next_id_ = 0x0100;
  bool refuse_ = false;
};

// Collects the results of Notify.
struct SentLog {
  std::mutex mutex;
  std::vector<core::Result<void>> results;
  NotificationSent Callback() {
    return [this](core::Result<void> result) {
      std::lock_guard lock(mutex);
      results.push_back(std::move(result));
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return results.size();
  }
  core::Result<void> at(std::size_t i) {
    std::lock_guard lock(mutex);
    return results.at(i);
  }
};

TEST_F(NotifyTest, AnswerCarriesObserveAndNotificationsFollowWithFresherSequenceNumbers) {
  Start();
  const Message answer = Register();
  EXPECT_EQ(answer.type, Type::kAcknowledgement);
  EXPECT_EQ(answer.code, codes::kContent);
  ASSERT_TRUE(Observe(answer.options));
  const std::uint32_t first = *Observe(answer.options);
  Notifier observation = notifier();
  ASSERT_TRUE(observation.active());
  EXPECT_EQ(observation.token(), (std::vector<std::uint8_t>{7, 7}));

  SentLog sent;
  Message update;
  update.code = codes::kContent;
  update.payload = Bytes("21");
  observation.Notify(update, false, sent.Callback());
  auto non = observer_.ReceiveMessage();
  ASSERT_TRUE(non);
  EXPECT_EQ(non->type, Type::kNonConfirmable);
  EXPECT_EQ(non->token, (std::vector<std::uint8_t>{7, 7}));
  EXPECT_EQ(Text(non->payload), "21");
  ASSERT_TRUE(Observe(non->options));
  EXPECT_GT(*Observe(non->options), first);
  ASSERT_TRUE(WaitUntil([&] { return sent.size() == 1; }));
  EXPECT_TRUE(sent.at(0));

  update.payload = Bytes("22");
  observation.Notify(update, true, sent.Callback());
  auto con = observer_.ReceiveMessage();
  ASSERT_TRUE(con);
  EXPECT_EQ(con->type, Type::kConfirmable);
  EXPECT_GT(*Observe(con->options), *Observe(non->options));
  EXPECT_EQ(sent.size(), 1u);  // settled by the ACK, not before
  observer_.Send(endpoint_->port(),
                 MakeMessage(Type::kAcknowledgement, codes::kEmpty, con->message_id));
  ASSERT_TRUE(WaitUntil([&] { return sent.size() == 2; }));
  EXPECT_TRUE(sent.at(1));
  EXPECT_TRUE(observation.active());
  EXPECT_TRUE(ended().empty());
}

TEST_F(NotifyTest, ResetOfANotificationEndsTheObservation) {
  Start();
  Register();
  SentLog sent;
  Message update;
  update.code = codes::kContent;
  notifier().Notify(update, true, sent.Callback());
  auto con = observer_.ReceiveMessage();
  ASSERT_TRUE(con);
  observer_.Send(endpoint_->port(), MakeMessage(Type::kReset, codes::kEmpty, con->message_id));
  ASSERT_TRUE(WaitForEnd());
  EXPECT_EQ(ended().at(0).code, core::ErrorCode::kUnavailable);
  ASSERT_TRUE(WaitUntil([&] { return sent.size() == 1; }));
  EXPECT_FALSE(sent.at(0));
  EXPECT_FALSE(notifier().active());

  // Nothing more is sent; a later Notify says why.
  notifier().Notify(update, false, sent.Callback());
  ASSERT_TRUE(WaitUntil([&] { return sent.size() == 2; }));
  EXPECT_EQ(sent.at(1).error().code, core::ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(observer_.Receive(200ms));
  EXPECT_EQ(ended().size(), 1u);
}

TEST_F(NotifyTest, ResetOfANonConfirmableNotificationEndsTheObservation) {
  Start();
  Register();
  Message update;
  update.code = codes::kContent;
  notifier().Notify(update, false);
  auto non = observer_.ReceiveMessage();
  ASSERT_TRUE(non);
  observer_.Send(endpoint_->port(), MakeMessage(Type::kReset, codes::kEmpty, non->message_id));
  ASSERT_TRUE(WaitForEnd());
  EXPECT_EQ(ended().at(0).code, core::ErrorCode::kUnavailable);
}

TEST_F(NotifyTest, UnacknowledgedConfirmableNotificationTimesOutAndEndsTheObservation) {
  TransmissionParams fast;
  fast.ack_timeout = 50ms;
  fast.ack_random_factor = 1.0;
  fast.max_retransmit = 1;
  Start(fast);
  Register();
  SentLog sent;
  Message update;
  update.code = codes::kContent;
  notifier().Notify(update, true, sent.Callback());
  auto first = observer_.ReceiveMessage();
  auto again = observer_.ReceiveMessage();
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->message_id, again->message_id);  // retransmitted, never acknowledged
  ASSERT_TRUE(WaitForEnd());
  EXPECT_EQ(ended().at(0).code, core::ErrorCode::kTimeout);
  ASSERT_TRUE(WaitUntil([&] { return sent.size() == 1; }));
  EXPECT_EQ(sent.at(0).error().code, core::ErrorCode::kTimeout);
}

TEST_F(NotifyTest, DeregistrationWithObserveOneEndsTheObservation) {
  Start();
  Register({1, 2, 3});
  Message cancel = MakeMessage(Type::kConfirmable, codes::kGet, 0x0200, {1, 2, 3}, "/temp");
  SetObserve(cancel.options, 1);
  observer_.Send(endpoint_->port(), cancel);
  auto answer = observer_.ReceiveMessage();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, codes::kContent);
  EXPECT_FALSE(Observe(answer->options));  // a plain answer: the handler did not accept
  ASSERT_TRUE(WaitForEnd());
  EXPECT_EQ(ended().at(0).code, core::ErrorCode::kFailedPrecondition);
}

TEST_F(NotifyTest, RegisteringAgainWithTheSameTokenReplacesTheObservation) {
  Start();
  Register({4});
  Notifier old = notifier();
  Register({4});
  ASSERT_TRUE(WaitForEnd());
  EXPECT_FALSE(old.active());
  EXPECT_TRUE(notifier().active());
  EXPECT_EQ(ended().size(), 1u);
}

TEST_F(NotifyTest, ErrorNotificationIsSentWithoutObserveAndEndsTheObservation) {
  Start();
  Register();
  Message gone;
  gone.code = codes::kNotFound;
  notifier().Notify(gone, false);
  auto last = observer_.ReceiveMessage();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->code, codes::kNotFound);
  EXPECT_FALSE(Observe(last->options));
  ASSERT_TRUE(WaitForEnd());
  EXPECT_FALSE(notifier().active());
}

TEST_F(NotifyTest, ErrorAnswerToTheRegistrationEndsTheObservationAtOnce) {
  Start();
  {
    std::lock_guard lock(mutex_);
    refuse_ = false;
  }
  // The handler accepts, then answers 4.04 below: no Observe, and the end is reported.
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  auto started = Endpoint::Start(options, [this](IncomingRequest, Responder responder) {
    std::lock_guard lock(mutex_);
    notifier_ = responder.AcceptObservation([this](core::Error error) {
      std::lock_guard lock(mutex_);
      ended_.push_back(error);
    });
    Message response;
    response.code = codes::kNotFound;
    responder.Respond(std::move(response));
  });
  ASSERT_TRUE(started);
  endpoint_ = std::move(*started);
  const Message answer = Register();
  EXPECT_EQ(answer.code, codes::kNotFound);
  EXPECT_FALSE(Observe(answer.options));
  ASSERT_TRUE(WaitForEnd());
  EXPECT_FALSE(notifier().active());
}

TEST_F(NotifyTest, RequestsThatDoNotObserveCannotBeAccepted) {
  Start();
  Message get = MakeMessage(Type::kConfirmable, codes::kGet, 0x0300, {9}, "/temp");
  observer_.Send(endpoint_->port(), get);
  auto answer = observer_.ReceiveMessage();
  ASSERT_TRUE(answer);
  EXPECT_FALSE(Observe(answer->options));
  EXPECT_FALSE(notifier().active());
}

TEST_F(NotifyTest, LargeNotificationGoesBlockWiseAndTheRestIsServedToFollowUpRequests) {
  Start();
  Register();
  Message big;
  big.code = codes::kContent;
  big.payload.assign(3000, 'x');
  big.payload[2999] = 'y';
  notifier().Notify(big, false);
  auto block0 = observer_.ReceiveMessage();
  ASSERT_TRUE(block0);
  ASSERT_TRUE(Observe(block0->options));
  auto block2 = GetBlock2(block0->options);
  ASSERT_TRUE(block2 && *block2);
  EXPECT_EQ((*block2)->num, 0u);
  EXPECT_TRUE((*block2)->more);
  // The rest with GETs that do not observe (RFC 7959 §2.6).
  std::size_t received = block0->payload.size();
  std::uint32_t num = 1;
  std::string tail;
  for (bool more = true; more; ++num) {
    Message get = MakeMessage(Type::kConfirmable, codes::kGet,
                              static_cast<std::uint16_t>(0x0400 + num), {5, num & 0xff}, "/temp");
    ASSERT_TRUE(SetBlock2(get.options, Block{num, false, (*block2)->szx}));
    observer_.Send(endpoint_->port(), get);
    auto block = observer_.ReceiveMessage();
    ASSERT_TRUE(block);
    EXPECT_FALSE(Observe(block->options));
    auto option = GetBlock2(block->options);
    ASSERT_TRUE(option && *option);
    more = (*option)->more;
    received += block->payload.size();
    tail = Text(block->payload);
  }
  EXPECT_EQ(received, 3000u);
  EXPECT_EQ(tail.back(), 'y');
}

TEST_F(NotifyTest, StopEndsEveryObservation) {
  Start();
  Register();
  endpoint_->Stop();
  ASSERT_TRUE(WaitForEnd());
  EXPECT_EQ(ended().at(0).code, core::ErrorCode::kUnavailable);
}

TEST(FetchObserveTest, ObservesWithFetchKeepingTheBody) {
  UdpPeer server;
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  auto endpoint = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(endpoint);
  Message fetch = MakeMessage(Type::kConfirmable, codes::kFetch, 0, {}, "/", "[/3/0/9]");
  std::mutex mutex;
  std::vector<core::Result<Message>> seen;
  (*endpoint)->Observe(server.self(), fetch, [&](core::Result<Message> notification) {
    std::lock_guard lock(mutex);
    seen.push_back(std::move(notification));
  });
  auto registration = server.ReceiveMessage();
  ASSERT_TRUE(registration);
  EXPECT_EQ(registration->code, codes::kFetch);
  EXPECT_EQ(Observe(registration->options), 0u);
  EXPECT_EQ(Text(registration->payload), "[/3/0/9]");
  Message answer = MakeMessage(Type::kAcknowledgement, codes::kContent, registration->message_id,
                               registration->token, {}, "80");
  SetObserve(answer.options, 3);
  server.Send((*endpoint)->port(), answer);
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mutex);
    return seen.size() == 1;
  }));
  (*endpoint)->Stop();  // its last call must not outlive `seen`
  std::lock_guard lock(mutex);
  ASSERT_TRUE(seen[0]);
  EXPECT_EQ(Text(seen[0]->payload), "80");
}

TEST(FetchObserveTest, TwoEndpointsObserveAndNotifyEachOther) {
  std::mutex mutex;
  Notifier notifier;
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  auto device = Endpoint::Start(options, [&](IncomingRequest request, Responder responder) {
    std::lock_guard lock(mutex);
    notifier = responder.AcceptObservation({});
    Message response;
    response.code = codes::kContent;
    response.payload = request.message.payload;  // echoes what was fetched
    responder.Respond(std::move(response));
  });
  auto server = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(device && server);
  Peer device_address = testing::UdpPeer().self();
  device_address.port = (*device)->port();

  std::vector<std::string> seen;
  Message fetch = MakeMessage(Type::kConfirmable, codes::kFetch, 0, {}, "/", "paths");
  (*server)->Observe(device_address, fetch, [&](core::Result<Message> notification) {
    std::lock_guard lock(mutex);
    seen.push_back(notification ? Text(notification->payload) : notification.error().message);
  });
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mutex);
    return seen.size() == 1 && notifier.active();
  }));
  Message update;
  update.code = codes::kContent;
  update.payload = Bytes("changed");
  Notifier copy;
  {
    std::lock_guard lock(mutex);
    copy = notifier;
  }
  copy.Notify(update, true);
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mutex);
    return seen.size() == 2;
  }));
  (*server)->Stop();
  (*device)->Stop();
  std::lock_guard lock(mutex);
  seen.resize(2);  // the third is the end Stop reported
  EXPECT_EQ(seen, (std::vector<std::string>{"paths", "changed"}));
}

}  // namespace
}  // namespace custos::coap

namespace custos::coap {
namespace {

// A sleeping LwM2M device: Responder::Ignore sends nothing, not even the ACK, and the
// retransmission is dropped as a duplicate.
TEST(IgnoreTest, AnIgnoredRequestGetsNoAnswerAtAll) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  auto endpoint =
      Endpoint::Start(options, [](IncomingRequest, Responder responder) { responder.Ignore(); });
  ASSERT_TRUE(endpoint);
  testing::UdpPeer peer;
  const Message get = testing::MakeMessage(Type::kConfirmable, codes::kGet, 0x0500, {1}, "/x");
  peer.Send((*endpoint)->port(), get);
  EXPECT_FALSE(peer.Receive(std::chrono::milliseconds(300)));
  peer.Send((*endpoint)->port(), get);
  EXPECT_FALSE(peer.Receive(std::chrono::milliseconds(300)));
  EXPECT_EQ((*endpoint)->stats().duplicates, 1u);
}

}  // namespace
}  // namespace custos::coap
