// Device messages answered asynchronously (DeviceHandler::OnPublishAsync): PUBACKs in the
// order of the PUBLISHes whatever order the answers come in, a window of unanswered messages
// that stops the reading, and a PUBACK only once the store has committed the message.
#include <thread>

#include "fixture.h"

namespace custos::mqtt::server {
namespace {

// Holds every answer until the test gives it.
class HeldHandler : public RecordingHandler {
 public:
  void OnPublishAsync(const Sender& sender, const Message& message, PublishDone done) override {
    (void)OnPublish(sender, message);  // recorded
    std::lock_guard lock(mu_);
    held_.push_back(std::move(done));
  }
  std::size_t held() const {
    std::lock_guard lock(mu_);
    return held_.size();
  }
  // Answers the held message `index` (in arrival order) with `reason`.
  void Answer(std::size_t index, ReasonCode reason = ReasonCode::kSuccess) {
    PublishDone done;
    {
      std::lock_guard lock(mu_);
      done = held_.at(index);
    }
    done(reason);
  }

 private:
  mutable std::mutex mu_;
  std::vector<PublishDone> held_;
};

// Stores each message's payload as the device's reported document through the store's
// asynchronous path, answering after the commit.
class StoringHandler : public RecordingHandler {
 public:
  explicit StoringHandler(core::Store& store) : store_(store) {}
  void OnPublishAsync(const Sender& sender, const Message& message, PublishDone done) override {
    std::string json(message.payload.begin(), message.payload.end());
    auto change = [json](const core::DeviceState&)
        -> core::Result<std::optional<core::Store::ReportedChange>> {
      return core::Store::ReportedChange{json, std::nullopt};
    };
    store_.UpdateReportedState(sender.device_id, change, [done](core::Result<core::DeviceState> r) {
      done(r ? ReasonCode::kSuccess : ReasonCode::kUnspecifiedError);
    });
  }

 private:
  core::Store& store_;
};

class InboundWindowTest : public ServerFixture {
 protected:
  // Starts the server with `handler`, kept until TearDown has stopped the server.
  template <class H>
  H& StartWith(std::unique_ptr<H> handler) {
    H& h = *handler;
    handler_in_use_ = std::move(handler);
    auto started = Server::Start(
        options_, Services{*store_, *registry_, *tokens_, *events_, clock()}, &h);
    EXPECT_TRUE(started) << started.error().message;
    if (started) {
      server_ = std::move(*started);
      port_ = server_->port();
    }
    return h;
  }

  std::unique_ptr<DeviceHandler> handler_in_use_;

  static Publish Qos1(std::string topic, std::string payload, std::uint16_t packet_id) {
    Publish p;
    p.topic = std::move(topic);
    p.payload.assign(payload.begin(), payload.end());
    p.qos = QoS::kAtLeastOnce;
    p.packet_id = packet_id;
    return p;
  }
};

TEST_F(InboundWindowTest, PubacksFollowThePublishOrderWhateverOrderTheAnswersCome) {
  auto& handler = StartWith(std::make_unique<HeldHandler>());
  ASSERT_TRUE(server_);
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  constexpr std::uint16_t kCount = 5;
  for (std::uint16_t i = 1; i <= kCount; ++i) {
    client->Send(Qos1("devices/meter-1/state/reported", "{}", i));
  }
  ASSERT_TRUE(WaitFor([&] { return handler.held() == kCount; }, 10s));
  // The last four are answered first, the third with a refusal: nothing may go out before
  // the first is answered.
  for (std::size_t i = kCount - 1; i >= 1; --i) {
    handler.Answer(i, i == 2 ? ReasonCode::kQuotaExceeded : ReasonCode::kSuccess);
  }
  client->Send(Pingreq{});
  auto first = client->Receive();
  ASSERT_TRUE(first);
  EXPECT_TRUE(std::holds_alternative<Pingresp>(*first)) << "a PUBACK went out before its turn";
  handler.Answer(0);
  for (std::uint16_t i = 1; i <= kCount; ++i) {
    auto ack = client->ReceiveA<Puback>();
    ASSERT_TRUE(ack) << i;
    EXPECT_EQ(ack->packet_id, i);
    EXPECT_EQ(ack->reason_code, i == 3 ? ReasonCode::kQuotaExceeded : ReasonCode::kSuccess);
  }
  EXPECT_EQ(server_->stats().publishes_in, kCount);
}

TEST_F(InboundWindowTest, AFullWindowStopsTheReadingUntilAnAnswerComes) {
  options_.max_inflight_in = 3;
  auto& handler = StartWith(std::make_unique<HeldHandler>());
  ASSERT_TRUE(server_);
  auto d = AddDevice("meter-1");
  auto client = std::make_unique<RawClient>();
  ASSERT_TRUE(client->Open(port_));
  auto connack = client->Connect(RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password));
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->properties.ReceiveMaximum(), 3);

  // A client that ignores the Receive Maximum: the server reads no further than the window.
  constexpr std::uint16_t kCount = 8;
  for (std::uint16_t i = 1; i <= kCount; ++i) {
    client->Send(Qos1("devices/meter-1/state/reported", "{}", i));
  }
  ASSERT_TRUE(WaitFor([&] { return handler.held() == 3; }, 10s));
  handler.Answer(0);
  auto ack = client->ReceiveA<Puback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet_id, 1);
  ASSERT_TRUE(WaitFor([&] { return handler.held() == 4; }, 10s));
  // One answer made room for one message: the window is full again.
  EXPECT_EQ(handler.held(), 4u);
  for (std::size_t i = 1; i < kCount; ++i) {
    ASSERT_TRUE(WaitFor([&] { return handler.held() > i; }, 10s)) << i;
    handler.Answer(i);
  }
  for (std::uint16_t i = 2; i <= kCount; ++i) {
    auto next = client->ReceiveA<Puback>();
    ASSERT_TRUE(next) << i;
    EXPECT_EQ(next->packet_id, i);
  }
  EXPECT_EQ(handler.held(), kCount);
  client->Send(Pingreq{});
  EXPECT_TRUE(client->ReceiveA<Pingresp>());
}

TEST_F(InboundWindowTest, APubackMeansTheMessageIsCommitted) {
  StartWith(std::make_unique<StoringHandler>(*store_));
  ASSERT_TRUE(server_);
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  constexpr std::uint16_t kCount = 200;
  // All sent at once (well past the window): answers come per group commit.
  for (std::uint16_t i = 1; i <= kCount; ++i) {
    client->Send(Qos1("devices/meter-1/state/reported", "{\"n\":" + std::to_string(i) + "}", i));
  }
  for (std::uint16_t i = 1; i <= kCount; ++i) {
    auto ack = client->ReceiveA<Puback>(30s);
    ASSERT_TRUE(ack) << i;
    ASSERT_EQ(ack->packet_id, i);
    ASSERT_EQ(ack->reason_code, ReasonCode::kSuccess);
    // Read by another connection than the writer's: only what was committed.
    auto state = store_->GetDeviceState(d.id);
    ASSERT_TRUE(state);
    ASSERT_GE(state->reported_version, i);
  }
  auto state = store_->GetDeviceState(d.id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_json, "{\"n\":200}");
}

TEST_F(InboundWindowTest, StopWaitsForAnswersOnTheirWay) {
  auto& handler = StartWith(std::make_unique<HeldHandler>());
  ASSERT_TRUE(server_);
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  client->Send(Qos1("devices/meter-1/state/reported", "{}", 1));
  ASSERT_TRUE(WaitFor([&] { return handler.held() == 1; }, 10s));
  std::thread answer([&] {
    // Answers while Stop() waits (it is told when the connection is gone).
    ASSERT_TRUE(WaitFor([&] { return client->WaitClosed(100ms); }, 10s));
    handler.Answer(0);
  });
  server_->Stop();
  answer.join();
  EXPECT_EQ(server_->stats().publishes_in, 1u);
}

}  // namespace
}  // namespace custos::mqtt::server
