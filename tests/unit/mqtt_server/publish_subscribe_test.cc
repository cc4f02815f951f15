// PUBLISH and SUBSCRIBE over a raw socket: device messages reach the handler, server messages
// reach subscribed devices, and nothing crosses a namespace.
#include "fixture.h"

namespace custos::mqtt::server {
namespace {

class PublishSubscribeTest : public ServerFixture {
 protected:
  static Publish MakePublish(std::string topic, std::string payload, QoS qos,
                             std::uint16_t packet_id = 0) {
    Publish p;
    p.topic = std::move(topic);
    p.payload.assign(payload.begin(), payload.end());
    p.qos = qos;
    p.packet_id = packet_id;
    return p;
  }

  static Subscribe MakeSubscribe(std::vector<std::string> filters, QoS qos = QoS::kAtLeastOnce,
                                 std::uint16_t packet_id = 1) {
    Subscribe s;
    s.packet_id = packet_id;
    for (auto& f : filters) {
      Subscription sub;
      sub.filter = std::move(f);
      sub.max_qos = qos;
      s.subscriptions.push_back(std::move(sub));
    }
    return s;
  }

  static Message MakeMessage(std::string topic, std::string payload, QoS qos) {
    Message m;
    m.topic = std::move(topic);
    m.payload.assign(payload.begin(), payload.end());
    m.qos = qos;
    return m;
  }
};

TEST_F(PublishSubscribeTest, DevicePublishesReachTheHandlerWithTheirProperties) {
  StartServer();
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  client->Send(MakePublish("devices/meter-1/telemetry", "t0", QoS::kAtMostOnce));
  Publish with_properties = MakePublish("devices/meter-1/rpc", "r1", QoS::kAtLeastOnce, 7);
  with_properties.properties.SetResponseTopic("devices/meter-1/rpc/reply");
  with_properties.properties.SetCorrelationData({1, 2, 3});
  with_properties.properties.AddUserProperty("k", "v");
  with_properties.properties.SetMessageExpiryInterval(30);
  client->Send(with_properties);
  auto ack = client->ReceiveA<Puback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet_id, 7);
  EXPECT_EQ(ack->reason_code, ReasonCode::kSuccess);
  auto got = handler_.publishes();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].sender.device_id, d.id);
  EXPECT_EQ(got[0].message.topic, "devices/meter-1/telemetry");
  EXPECT_EQ(got[1].message.qos, QoS::kAtLeastOnce);
  EXPECT_EQ(got[1].message.properties.ResponseTopic(), "devices/meter-1/rpc/reply");
  ASSERT_TRUE(got[1].message.properties.CorrelationData());
  EXPECT_EQ(got[1].message.properties.CorrelationData()->size(), 3u);
  ASSERT_EQ(got[1].message.properties.UserProperties().size(), 1u);
  EXPECT_EQ(got[1].message.properties.MessageExpiryInterval(), 30u);
  EXPECT_EQ(server_->stats().publishes_in, 2u);
}

TEST_F(PublishSubscribeTest, HandlerRefusalTravelsInTheV5Puback) {
  StartServer();
  auto d = AddDevice("meter-1");
  handler_.answer = ReasonCode::kQuotaExceeded;
  auto v5 = Login(d);
  v5->Send(MakePublish("devices/meter-1/x", "a", QoS::kAtLeastOnce, 1));
  auto ack = v5->ReceiveA<Puback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_code, ReasonCode::kQuotaExceeded);
  // 3.1.1 has no negative acknowledgement.
  auto v311 = Login(d, Version::kV311);
  v311->Send(MakePublish("devices/meter-1/x", "b", QoS::kAtLeastOnce, 2));
  auto ack311 = v311->ReceiveA<Puback>();
  ASSERT_TRUE(ack311);
  EXPECT_EQ(ack311->reason_code, ReasonCode::kSuccess);
}

TEST_F(PublishSubscribeTest, CrossDevicePublishIsRefusedAndCounted) {
  StartServer();
  auto a = AddDevice("meter-a");
  AddDevice("meter-b");
  auto v5 = Login(a);
  v5->Send(MakePublish("devices/meter-b/telemetry", "x", QoS::kAtLeastOnce, 3));
  auto ack = v5->ReceiveA<Puback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_code, ReasonCode::kNotAuthorized);
  v5->Send(MakePublish("meter-b", "x", QoS::kAtMostOnce));  // dropped quietly
  v5->Send(Pingreq{});
  ASSERT_TRUE(v5->ReceiveA<Pingresp>());
  EXPECT_FALSE(v5->closed());
  // 3.1.1 can only close.
  auto v311 = Login(a, Version::kV311);
  v311->Send(MakePublish("devices/meter-b/telemetry", "x", QoS::kAtMostOnce));
  EXPECT_TRUE(v311->WaitClosed());
  EXPECT_TRUE(handler_.publishes().empty());
  EXPECT_EQ(server_->stats().publishes_refused, 3u);
}

TEST_F(PublishSubscribeTest, SubscriptionsOutsideTheNamespaceAreRefusedPerFilter) {
  StartServer();
  auto a = AddDevice("meter-a");
  AddDevice("meter-b");
  auto v5 = Login(a);
  v5->Send(MakeSubscribe({"devices/meter-a/commands", "devices/meter-b/commands", "#",
                          "+/meter-a/commands", "devices/meter-a/#"}));
  auto ack = v5->ReceiveA<Suback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_codes,
            (std::vector<ReasonCode>{ReasonCode::kGrantedQos1, ReasonCode::kNotAuthorized,
                                     ReasonCode::kNotAuthorized, ReasonCode::kNotAuthorized,
                                     ReasonCode::kGrantedQos1}));
  auto v311 = Login(a, Version::kV311);
  v311->Send(MakeSubscribe({"#", "devices/meter-a/x"}, QoS::kExactlyOnce));
  auto ack311 = v311->ReceiveA<Suback>();
  ASSERT_TRUE(ack311);
  // 3.1.1: Failure (0x80), and QoS 2 granted as 1.
  EXPECT_EQ(ack311->reason_codes,
            (std::vector<ReasonCode>{ReasonCode::kUnspecifiedError, ReasonCode::kGrantedQos1}));
  EXPECT_EQ(server_->stats().subscribes_refused, 4u);
}

TEST_F(PublishSubscribeTest, ServerPublishReachesTheSubscribedDevice) {
  StartServer();
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  EXPECT_EQ(server_->Publish(d.id, MakeMessage("devices/meter-1/commands", "c", QoS::kAtMostOnce))
                .error()
                .code,
            core::ErrorCode::kFailedPrecondition);  // not subscribed yet
  Subscribe subscribe = MakeSubscribe({"devices/meter-1/commands"});
  subscribe.properties.AddSubscriptionIdentifier(42);
  client->Send(subscribe);
  ASSERT_TRUE(client->ReceiveA<Suback>());
  Message m = MakeMessage("devices/meter-1/commands", "reboot", QoS::kAtLeastOnce);
  m.properties.SetResponseTopic("devices/meter-1/replies");
  m.properties.SetCorrelationData({9});
  m.properties.AddUserProperty("op", "17");
  m.properties.SetTopicAlias(1);  // not the caller's to set: dropped
  auto outcome = server_->Publish(d.id, m);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, PublishOutcome::kSent);
  auto publish = client->ReceiveA<Publish>();
  ASSERT_TRUE(publish);
  EXPECT_EQ(publish->topic, "devices/meter-1/commands");
  EXPECT_EQ(publish->qos, QoS::kAtLeastOnce);
  EXPECT_NE(publish->packet_id, 0);
  EXPECT_EQ(std::string(publish->payload.begin(), publish->payload.end()), "reboot");
  EXPECT_EQ(publish->properties.ResponseTopic(), "devices/meter-1/replies");
  EXPECT_EQ(publish->properties.UserProperties().size(), 1u);
  EXPECT_EQ(publish->properties.SubscriptionIdentifiers(), std::vector<std::uint32_t>{42});
  EXPECT_FALSE(publish->properties.TopicAlias());
  Puback ack;
  ack.packet_id = publish->packet_id;
  client->Send(ack);
  EXPECT_EQ(server_->Publish(999, m).error().code, core::ErrorCode::kNotFound);
}

TEST_F(PublishSubscribeTest, TopicAliasesResolveToTheirTopic) {
  StartServer();
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  Publish first = MakePublish("devices/meter-1/t", "1", QoS::kAtMostOnce);
  first.properties.SetTopicAlias(3);
  client->Send(first);
  Publish second = MakePublish("", "2", QoS::kAtLeastOnce, 5);
  second.properties.SetTopicAlias(3);
  client->Send(second);
  ASSERT_TRUE(client->ReceiveA<Puback>());
  auto got = handler_.publishes();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].message.topic, "devices/meter-1/t");
  EXPECT_FALSE(got[1].message.properties.TopicAlias());
  // An alias above the maximum ends the connection.
  Publish bad = MakePublish("devices/meter-1/t", "3", QoS::kAtMostOnce);
  bad.properties.SetTopicAlias(options_.topic_alias_maximum + 1);
  client->Send(bad);
  auto disconnect = client->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kTopicAliasInvalid);
}

TEST_F(PublishSubscribeTest, QoS2AndRetainAreRefusedInV5) {
  StartServer();
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  client->Send(MakePublish("devices/meter-1/t", "x", QoS::kExactlyOnce, 1));
  auto disconnect = client->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kQosNotSupported);
  EXPECT_TRUE(client->WaitClosed());
  auto again = Login(d);
  Publish retained = MakePublish("devices/meter-1/t", "x", QoS::kAtMostOnce);
  retained.retain = true;
  again->Send(retained);
  disconnect = again->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kRetainNotSupported);
  EXPECT_TRUE(handler_.publishes().empty());
}

TEST_F(PublishSubscribeTest, OversizedPacketEndsTheConnection) {
  options_.max_packet_size = 1024;
  StartServer();
  auto d = AddDevice("meter-1");
  auto client = Login(d);
  client->Send(MakePublish("devices/meter-1/blob", std::string(4096, 'x'), QoS::kAtMostOnce));
  auto disconnect = client->ReceiveA<Disconnect>();
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(disconnect->reason_code, ReasonCode::kPacketTooLarge);
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_TRUE(handler_.publishes().empty());
  // 3.1.1: closed without a word.
  auto v311 = Login(d, Version::kV311);
  v311->Send(MakePublish("devices/meter-1/blob", std::string(4096, 'x'), QoS::kAtMostOnce));
  EXPECT_TRUE(v311->WaitClosed());
  EXPECT_EQ(server_->stats().protocol_errors, 2u);
}

TEST_F(PublishSubscribeTest, MessagesOverTheDevicesMaximumPacketSizeAreDropped) {
  StartServer();
  auto d = AddDevice("meter-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password);
  connect.properties.SetMaximumPacketSize(100);
  ASSERT_TRUE(client.Connect(connect));
  client.Send(MakeSubscribe({"devices/meter-1/#"}));
  ASSERT_TRUE(client.ReceiveA<Suback>());
  ASSERT_TRUE(server_->Publish(
      d.id, MakeMessage("devices/meter-1/big", std::string(200, 'x'), QoS::kAtLeastOnce)));
  ASSERT_TRUE(server_->Publish(d.id, MakeMessage("devices/meter-1/small", "s", QoS::kAtLeastOnce)));
  auto publish = client.ReceiveA<Publish>();
  ASSERT_TRUE(publish);
  EXPECT_EQ(publish->topic, "devices/meter-1/small");
  EXPECT_EQ(server_->stats().too_large_dropped, 1u);
}

TEST_F(PublishSubscribeTest, OperatorsFollowEventsAndMayNotPublish) {
  StartServer();
  auto d = AddDevice("meter-1");
  const std::string secret = AddToken("dash", core::Role::kViewer);
  RawClient op;
  ASSERT_TRUE(op.Open(port_));
  ASSERT_TRUE(op.Connect(RawClient::MakeConnect(Version::kV5, "dash-1", "operator", secret)));
  op.Send(MakeSubscribe({"events/#", "devices/meter-1/#"}));
  auto ack = op.ReceiveA<Suback>();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_codes,
            (std::vector<ReasonCode>{ReasonCode::kGrantedQos1, ReasonCode::kNotAuthorized}));
  ASSERT_TRUE(registry_->DisableDevice(admin(), d.id, "maintenance"));
  auto event = op.ReceiveA<Publish>();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->topic, "events/device/disabled");
  const std::string json(event->payload.begin(), event->payload.end());
  EXPECT_NE(json.find("\"type\":\"device.disabled\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"device_id\":" + std::to_string(d.id)), std::string::npos) << json;
  Puback puback;
  puback.packet_id = event->packet_id;
  op.Send(puback);
  op.Send(MakePublish("devices/meter-1/commands", "x", QoS::kAtLeastOnce, 9));
  auto refused = op.ReceiveA<Puback>();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason_code, ReasonCode::kNotAuthorized);
}

}  // namespace
}  // namespace custos::mqtt::server
