// Endpoint::Adopt: an observation registered by an earlier endpoint on the same port (a
// server that restarted) is taken over by peer and token, so the device's next notification
// is acknowledged and handed over instead of being answered with RST.
#include <gtest/gtest.h>

#include <mutex>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::MakeMessage;
using testing::UdpPeer;
using testing::WaitUntil;
using namespace std::chrono_literals;

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

class AdoptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Start("127.0.0.1:0");
    // The first run of the server observes /temp and the device accepts.
    Message get = MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/temp");
    SetAccept(get.options, 0);
    endpoint_->Observe(device_.self(), get, [](core::Result<Message>) {});
    auto registration = device_.ReceiveMessage();
    ASSERT_TRUE(registration);
    registration_ = *registration;
    Message first = MakeMessage(Type::kAcknowledgement, codes::kContent,
                                registration_.message_id, registration_.token, {}, "20");
    SetObserve(first.options, 40);
    device_.Send(endpoint_->port(), first);
    // The restart: the same port, nothing remembered.
    const std::uint16_t port = endpoint_->port();
    endpoint_.reset();
    Start("127.0.0.1:" + std::to_string(port));
    ASSERT_EQ(endpoint_->port(), port);
  }

  // First: stopping ends the adopted observations, whose callbacks write to seen_.
  void TearDown() override { endpoint_.reset(); }

  void Start(const std::string& listen) {
    EndpointOptions options;
    options.listen = listen;
    options.transmission.ack_timeout = 1s;
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }

  // The registration as the store would give it back: what was sent, without its message id.
  ObservationId Adopt(Message registration) {
    registration.message_id = 0;
    return endpoint_->Adopt(device_.self(), std::move(registration),
                            [this](core::Result<Message> notification) {
                              std::lock_guard lock(mutex_);
                              seen_.push_back(std::move(notification));
                            });
  }
  void Notify(Type type, std::uint16_t message_id, std::uint32_t sequence,
              std::string_view payload) {
    Message message = MakeMessage(type, codes::kContent, message_id, registration_.token, {},
                                  payload);
    SetObserve(message.options, sequence);
    device_.Send(endpoint_->port(), message);
  }
  std::size_t Seen() {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  core::Result<Message> SeenAt(std::size_t i) {
    std::lock_guard lock(mutex_);
    return seen_.at(i);
  }

  UdpPeer device_;
  std::unique_ptr<Endpoint> endpoint_;
  Message registration_;
  std::mutex mutex_;
  std::vector<core::Result<Message>> seen_;
};

TEST_F(AdoptTest, WithoutAdoptTheNextNotificationGetsReset) {
  Notify(Type::kConfirmable, 0x0101, 41, "21");
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0101));
}

TEST_F(AdoptTest, AcknowledgesAndHandsOverConfirmableAndNonConfirmableNotifications) {
  Adopt(registration_);
  // The first one after the restart is handed over whatever its sequence number (the device
  // may have been restarted too); later ones are judged as usual.
  Notify(Type::kConfirmable, 0x0201, 3, "21");
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0201));
  Notify(Type::kNonConfirmable, 0x0202, 4, "22");
  Notify(Type::kConfirmable, 0x0203, 2, "stale");  // acknowledged, not handed over
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0203));
  ASSERT_TRUE(WaitUntil([&] { return Seen() >= 2; }));
  ASSERT_TRUE(SeenAt(0)) << SeenAt(0).error().message;
  EXPECT_EQ(Text(SeenAt(0)->payload), "21");
  EXPECT_EQ(SeenAt(0)->token, registration_.token);
  ASSERT_TRUE(SeenAt(1));
  EXPECT_EQ(Text(SeenAt(1)->payload), "22");
  EXPECT_EQ(Seen(), 2u);
}

TEST_F(AdoptTest, ActiveCancelOfAnAdoptedObservationSendsObserveOneWithItsToken) {
  const ObservationId id = Adopt(registration_);
  endpoint_->CancelObservation(id, true);
  auto cancel = device_.ReceiveMessage();
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->code, codes::kGet);
  EXPECT_EQ(cancel->token, registration_.token);
  EXPECT_EQ(Observe(cancel->options), 1u);
  EXPECT_EQ(UriPath(cancel->options), "/temp");
  EXPECT_EQ(Accept(cancel->options), 0u);
  Message answer = MakeMessage(Type::kAcknowledgement, codes::kContent, cancel->message_id,
                               cancel->token, {}, "last");
  device_.Send(endpoint_->port(), answer);
  ASSERT_TRUE(WaitUntil([&] { return Seen() >= 1; }));
  ASSERT_TRUE(SeenAt(0));
  EXPECT_EQ(Text(SeenAt(0)->payload), "last");
  Notify(Type::kConfirmable, 0x0301, 50, "after");
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0301));
}

TEST_F(AdoptTest, PassiveCancelForgetsItSoTheNextNotificationGetsReset) {
  const ObservationId id = Adopt(registration_);
  endpoint_->CancelObservation(id, false);
  ASSERT_TRUE(WaitUntil([&] { return Seen() >= 1; }));
  ASSERT_FALSE(SeenAt(0));
  EXPECT_EQ(SeenAt(0).error().code, core::ErrorCode::kFailedPrecondition);
  Notify(Type::kConfirmable, 0x0401, 41, "21");
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kReset, codes::kEmpty, 0x0401));
}

TEST_F(AdoptTest, RefusesATokenAlreadyObservedAndARegistrationWithoutToken) {
  Adopt(registration_);
  Adopt(registration_);
  Message tokenless = registration_;
  tokenless.token.clear();
  Adopt(tokenless);
  ASSERT_TRUE(WaitUntil([&] { return Seen() >= 2; }));
  ASSERT_FALSE(SeenAt(0));
  EXPECT_EQ(SeenAt(0).error().code, core::ErrorCode::kAlreadyExists);
  ASSERT_FALSE(SeenAt(1));
  EXPECT_EQ(SeenAt(1).error().code, core::ErrorCode::kInvalidArgument);
  // The first one still holds.
  Notify(Type::kConfirmable, 0x0501, 41, "21");
  EXPECT_EQ(device_.ReceiveMessage(), MakeMessage(Type::kAcknowledgement, codes::kEmpty, 0x0501));
}

TEST_F(AdoptTest, AStoppedEndpointRefusesToAdopt) {
  endpoint_->Stop();
  Adopt(registration_);
  ASSERT_EQ(Seen(), 1u);
  ASSERT_FALSE(SeenAt(0));
  EXPECT_EQ(SeenAt(0).error().code, core::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace custos::coap
