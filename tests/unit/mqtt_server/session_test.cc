// Sessions over a raw socket: take-over, keep-alive, the in-flight window, the bounded queue,
// message expiry, session expiry, wills, and the lifecycle closing live connections.
#include "fixture.h"

namespace custos::mqtt::server {
namespace {

Subscribe SubscribeTo(const std::string& filter, QoS qos = QoS::kAtLeastOnce) {
  Subscribe s;
  s.packet_id = 1;
  Subscription sub;
  sub.filter = filter;
  sub.max_qos = qos;
  s.subscriptions.push_back(sub);
  return s;
}

Message Command(const std::string& topic, const std::string& text, QoS qos = QoS::kAtLeastOnce) {
  Message m;
  m.topic = topic;
  m.payload.assign(text.begin(), text.end());
  m.qos = qos;
  return m;
}

std::string Text(const Publish& p) { return std::string(p.payload.begin(), p.payload.end()); }

class SessionTest : public ServerFixture {
 protected:
  core::Clock& clock() override { return clock_; }

  // Logs in with a persistent session subscribed to devices/{name}/commands.
  std::unique_ptr<RawClient> Subscribed(const Provisioned& d, Version v = Version::kV5) {
    auto client = Login(d, v, /*clean_start=*/false);
    client->Send(SubscribeTo("devices/" + d.name + "/commands"));
    EXPECT_TRUE(client->ReceiveA<Suback>());
    return client;
  }

  core::FakeClock clock_{core::SystemClock().Now()};
};

TEST_F(SessionTest, SecondConnectionTakesTheSessionOver) {
  StartServer();
  auto d = AddDevice("car-1");
  auto first = Subscribed(d);
  auto second = Login(d, Version::kV5, /*clean_start=*/false);
  auto disconnect = first->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kSessionTakenOver);
  EXPECT_TRUE(first->WaitClosed());
  // The subscription came along with the session.
  ASSERT_TRUE(server_->Publish(d.id, Command("devices/car-1/commands", "go")));
  auto publish = second->ReceiveA<Publish>();
  ASSERT_TRUE(publish);
  EXPECT_EQ(Text(*publish), "go");
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  EXPECT_TRUE(handler_.disconnects()[0].taken_over);
  EXPECT_EQ(handler_.disconnects()[0].reason, ReasonCode::kSessionTakenOver);
  EXPECT_EQ(server_->stats().takeovers, 1u);
}

TEST_F(SessionTest, SilentClientIsClosedAfterOneAndAHalfKeepAlives) {
  StartServer();
  auto d = AddDevice("car-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
  connect.keep_alive = 1;
  auto ack = client.Connect(connect);
  ASSERT_TRUE(ack);
  auto disconnect = client.ReceiveA<Disconnect>(10s);
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kKeepAliveTimeout);
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(server_->stats().keep_alive_timeouts, 1u);
  // The client keeps its end open: the server closes the socket after the linger time.
  EXPECT_TRUE(WaitFor([&] { return server_->stats().connections_open == 0; }, 10s));
}

TEST_F(SessionTest, PingsKeepTheConnectionAlive) {
  StartServer();
  auto d = AddDevice("car-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV311, d.name, d.name, d.password);
  connect.keep_alive = 2;
  ASSERT_TRUE(client.Connect(connect));
  // Over four seconds of pings every half second: longer than the 3 s of silence allowed.
  for (int i = 0; i < 8; ++i) {
    client.Send(Pingreq{});
    ASSERT_TRUE(client.ReceiveA<Pingresp>(2s)) << i;
    auto nothing = client.Receive(500ms);
    ASSERT_FALSE(nothing.has_value());
    ASSERT_FALSE(client.closed());
  }
  EXPECT_EQ(server_->stats().keep_alive_timeouts, 0u);
}

TEST_F(SessionTest, KeepAliveAboveTheCapIsLoweredAndAnnounced) {
  options_.max_keep_alive_s = 30;
  StartServer();
  auto d = AddDevice("car-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
  connect.keep_alive = 600;
  auto ack = client.Connect(connect);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->properties.ServerKeepAlive(), 30);
}

TEST_F(SessionTest, InflightWindowFollowsTheReceiveMaximum) {
  StartServer();
  auto d = AddDevice("car-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
  connect.properties.SetReceiveMaximum(2);
  ASSERT_TRUE(client.Connect(connect));
  client.Send(SubscribeTo("devices/car-1/commands"));
  ASSERT_TRUE(client.ReceiveA<Suback>());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(server_->Publish(d.id, Command("devices/car-1/commands", std::to_string(i))));
  }
  auto p0 = client.ReceiveA<Publish>();
  auto p1 = client.ReceiveA<Publish>();
  ASSERT_TRUE(p0 && p1);
  EXPECT_EQ(Text(*p0), "0");
  EXPECT_EQ(Text(*p1), "1");
  EXPECT_FALSE(client.ReceiveA<Publish>(300ms));  // the window is full
  Puback ack;
  ack.packet_id = p0->packet_id;
  client.Send(ack);
  auto p2 = client.ReceiveA<Publish>();
  ASSERT_TRUE(p2);
  EXPECT_EQ(Text(*p2), "2");
}

TEST_F(SessionTest, ResumedSessionIsPresentAndCleanStartDiscardsIt) {
  StartServer();
  auto d = AddDevice("car-1");
  auto connect_with = [&](bool clean_start) {
    RawClient client;
    EXPECT_TRUE(client.Open(port_));
    auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
    connect.clean_start = clean_start;
    connect.properties.SetSessionExpiryInterval(600);
    auto ack = client.Connect(connect);
    EXPECT_TRUE(ack);
    client.Send(Disconnect{});
    EXPECT_TRUE(client.WaitClosed());
    return ack ? ack->session_present : false;
  };
  EXPECT_FALSE(connect_with(true));
  EXPECT_TRUE(connect_with(false));
  EXPECT_TRUE(connect_with(false));
  EXPECT_FALSE(connect_with(true));
}

TEST_F(SessionTest, UnacknowledgedMessagesComeAgainWithDupAfterAReconnect) {
  StartServer();
  auto d = AddDevice("car-1");
  auto client = Subscribed(d);
  ASSERT_TRUE(server_->Publish(d.id, Command("devices/car-1/commands", "once")));
  auto first = client->ReceiveA<Publish>();
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->dup);
  client->Drop();  // no PUBACK
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  auto again = Login(d, Version::kV5, /*clean_start=*/false);
  auto second = again->ReceiveA<Publish>();
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->dup);
  EXPECT_EQ(second->packet_id, first->packet_id);
  EXPECT_EQ(Text(*second), "once");
}

TEST_F(SessionTest, OfflineQueueKeepsTheNewestAndCountsTheDropped) {
  options_.max_queued_messages = 3;
  StartServer();
  auto d = AddDevice("car-1");
  Subscribed(d)->Send(Disconnect{});
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  for (int i = 0; i < 5; ++i) {
    auto outcome = server_->Publish(d.id, Command("devices/car-1/commands", std::to_string(i)));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(*outcome, PublishOutcome::kQueued);
  }
  EXPECT_EQ(server_->stats().queue_dropped, 2u);
  auto client = Login(d, Version::kV5, /*clean_start=*/false);
  for (const char* want : {"2", "3", "4"}) {
    auto p = client->ReceiveA<Publish>();
    ASSERT_TRUE(p) << want;
    EXPECT_EQ(Text(*p), want);
    Puback ack;
    ack.packet_id = p->packet_id;
    client->Send(ack);
  }
  EXPECT_FALSE(client->ReceiveA<Publish>(200ms));
}

TEST_F(SessionTest, QueuedMessagesHonourTheirExpiry) {
  StartServer();
  auto d = AddDevice("car-1");
  Subscribed(d)->Send(Disconnect{});
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  Message short_lived = Command("devices/car-1/commands", "stale");
  short_lived.properties.SetMessageExpiryInterval(10);
  Message long_lived = Command("devices/car-1/commands", "fresh");
  long_lived.properties.SetMessageExpiryInterval(100);
  ASSERT_TRUE(server_->Publish(d.id, short_lived));
  ASSERT_TRUE(server_->Publish(d.id, long_lived));
  clock_.Advance(30'000);
  auto client = Login(d, Version::kV5, /*clean_start=*/false);
  auto p = client->ReceiveA<Publish>();
  ASSERT_TRUE(p);
  EXPECT_EQ(Text(*p), "fresh");
  EXPECT_EQ(p->properties.MessageExpiryInterval(), 70u);
  EXPECT_EQ(server_->stats().expired_dropped, 1u);
}

TEST_F(SessionTest, CleanSessionsEndWithTheConnectionAndOthersExpire) {
  StartServer();
  auto d = AddDevice("car-1");
  {
    auto client = Login(d, Version::kV311, /*clean_start=*/true);
    client->Send(SubscribeTo("devices/car-1/commands"));
    ASSERT_TRUE(client->ReceiveA<Suback>());
    client->Send(Disconnect{});
    EXPECT_TRUE(client->WaitClosed());
  }
  ASSERT_TRUE(WaitFor([&] { return server_->stats().sessions == 0; }, 5s));
  EXPECT_EQ(server_->Publish(d.id, Command("devices/car-1/commands", "x")).error().code,
            core::ErrorCode::kNotFound);
  // A v5 session of one hour lives on after the connection, until the hour has passed.
  Subscribed(d)->Send(Disconnect{});
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 2; }, 5s));
  EXPECT_TRUE(server_->Publish(d.id, Command("devices/car-1/commands", "x")));
  clock_.Advance(3'601'000);
  ASSERT_TRUE(WaitFor([&] { return server_->stats().sessions == 0; }, 5s));
  EXPECT_EQ(server_->Publish(d.id, Command("devices/car-1/commands", "x")).error().code,
            core::ErrorCode::kNotFound);
}

TEST_F(SessionTest, WillIsPublishedOnALostConnectionOnly) {
  StartServer();
  auto d = AddDevice("car-1");
  auto connect_with_will = [&](std::uint32_t delay_s) {
    auto client = std::make_unique<RawClient>();
    EXPECT_TRUE(client->Open(port_));
    auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
    connect.clean_start = false;
    connect.properties.SetSessionExpiryInterval(3600);
    Will will;
    will.topic = "devices/car-1/status";
    will.payload = {'g', 'o', 'n', 'e'};
    will.qos = QoS::kAtLeastOnce;
    if (delay_s > 0) will.properties.Add(Property{PropertyId::kWillDelayInterval, delay_s});
    connect.will = will;
    auto ack = client->Connect(connect);
    EXPECT_TRUE(ack && ack->reason_code == ReasonCode::kSuccess);
    return client;
  };
  // A normal DISCONNECT discards the will.
  connect_with_will(0)->Send(Disconnect{});
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  EXPECT_TRUE(handler_.publishes().empty());
  // A lost connection publishes it.
  connect_with_will(0)->Drop();
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 1; }, 5s));
  auto will = handler_.publishes()[0];
  EXPECT_TRUE(will.sender.will);
  EXPECT_EQ(will.message.topic, "devices/car-1/status");
  // With a delay, a reconnect within it cancels the will...
  connect_with_will(60)->Drop();
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 3; }, 5s));
  auto back = Login(d, Version::kV5, /*clean_start=*/false);
  back->Send(Disconnect{});
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 4; }, 5s));
  clock_.Advance(120'000);
  // ...and without a reconnect it comes when the delay has passed.
  connect_with_will(60)->Drop();
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 5; }, 5s));
  EXPECT_EQ(handler_.publishes().size(), 1u);
  clock_.Advance(61'000);
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 2; }, 5s));
  EXPECT_EQ(server_->stats().wills_published, 2u);
}

TEST_F(SessionTest, WillOutsideTheNamespaceIsRefused) {
  StartServer();
  auto d = AddDevice("car-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
  connect.will = Will{"devices/car-2/status", {'x'}, QoS::kAtMostOnce, false, {}};
  auto ack = client.Connect(connect);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_code, ReasonCode::kNotAuthorized);
}

TEST_F(SessionTest, RetiringOrDisablingADeviceClosesItsConnectionAtOnce) {
  StartServer();
  auto retired = AddDevice("car-r");
  auto disabled = AddDevice("car-d");
  auto a = Login(retired);
  auto b = Login(disabled, Version::kV311);
  ASSERT_TRUE(registry_->RetireDevice(admin(), retired.id, "scrapped"));
  auto disconnect = a->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kAdministrativeAction);
  EXPECT_TRUE(a->WaitClosed());
  ASSERT_TRUE(registry_->DisableDevice(admin(), disabled.id, "unpaid"));
  EXPECT_TRUE(b->WaitClosed());
  EXPECT_EQ(server_->stats().kicked, 2u);
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 2; }, 5s));
  EXPECT_EQ(handler_.disconnects()[0].reason, ReasonCode::kAdministrativeAction);
}

TEST_F(SessionTest, SlowConsumerIsClosedAndCounted) {
  options_.max_outbound_bytes = 64 * 1024;
  StartServer();
  auto d = AddDevice("car-1");
  auto client = Login(d);
  client->Send(SubscribeTo("devices/car-1/firehose", QoS::kAtMostOnce));
  ASSERT_TRUE(client->ReceiveA<Suback>());
  // The client reads nothing more: once the socket buffers are full, the server's buffer
  // grows past its bound.
  const Message big =
      Command("devices/car-1/firehose", std::string(32 * 1024, 'x'), QoS::kAtMostOnce);
  EXPECT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < 16; ++i) (void)server_->Publish(d.id, big);
        return server_->stats().slow_consumers == 1;
      },
      30s));
}

}  // namespace
}  // namespace custos::mqtt::server
