// The endpoint against Paho C (libpaho-mqtt-dev), an MQTT client nobody here wrote: QoS 1
// redelivery with DUP into a resumed session, and a Last Will when a device is killed.
#ifdef CUSTOS_HAVE_PAHO

#include <MQTTClient.h>
#include <signal.h>

#include "fixture.h"

namespace custos::mqtt::server {
namespace {

class PahoTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    StartServer();
  }

  // A Paho client for `device`, not yet connected; destroyed with the test.
  MQTTClient Create(const Provisioned& device) {
    const std::string uri = "tcp://127.0.0.1:" + std::to_string(port_);
    MQTTClient client = nullptr;
    EXPECT_EQ(MQTTClient_create(&client, uri.c_str(), device.name.c_str(),
                                MQTTCLIENT_PERSISTENCE_NONE, nullptr),
              MQTTCLIENT_SUCCESS);
    clients_.push_back(client);
    return client;
  }

  void TearDown() override {
    for (MQTTClient& c : clients_) {
      if (MQTTClient_isConnected(c)) MQTTClient_disconnect(c, 1000);
      MQTTClient_destroy(&c);
    }
    ServerFixture::TearDown();
  }

  std::vector<MQTTClient> clients_;
};

TEST_F(PahoTest, UnacknowledgedQoS1IsRedeliveredWithDupToTheResumedSession) {
  auto d = AddDevice("valve-1");
  // First connection: a raw client subscribes in a persistent session, takes the message
  // and dies before acknowledging it.
  {
    auto raw = Login(d, Version::kV311, /*clean_start=*/false);
    Subscribe subscribe;
    subscribe.packet_id = 1;
    subscribe.subscriptions.push_back({"devices/valve-1/commands", QoS::kAtLeastOnce});
    raw->Send(subscribe);
    ASSERT_TRUE(raw->ReceiveA<Suback>());
    Message m;
    m.topic = "devices/valve-1/commands";
    m.payload = {'o', 'p', 'e', 'n'};
    m.qos = QoS::kAtLeastOnce;
    ASSERT_TRUE(server_->Publish(d.id, m));
    auto first = raw->ReceiveA<Publish>();
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->dup);
    raw->Drop();
  }
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  // Second connection: Paho resumes the session and gets the message again, marked DUP.
  MQTTClient client = Create(d);
  MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
  options.cleansession = 0;
  options.username = d.name.c_str();
  options.password = d.password.c_str();
  ASSERT_EQ(MQTTClient_connect(client, &options), MQTTCLIENT_SUCCESS);
  char* topic = nullptr;
  int topic_length = 0;
  MQTTClient_message* message = nullptr;
  ASSERT_TRUE(WaitFor(
      [&] {
        MQTTClient_receive(client, &topic, &topic_length, &message, 100);
        return message != nullptr;
      },
      10s));
  EXPECT_STREQ(topic, "devices/valve-1/commands");
  EXPECT_EQ(std::string(static_cast<const char*>(message->payload),
                        static_cast<std::size_t>(message->payloadlen)),
            "open");
  EXPECT_EQ(message->qos, 1);
  EXPECT_EQ(message->dup, 1);
  MQTTClient_freeMessage(&message);
  MQTTClient_free(topic);
  // Paho acknowledged it: a third connection gets nothing more.
  MQTTClient_yield();
  ASSERT_EQ(MQTTClient_disconnect(client, 1000), MQTTCLIENT_SUCCESS);
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 2; }, 5s));
  auto third = Login(d, Version::kV311, /*clean_start=*/false);
  EXPECT_FALSE(third->ReceiveA<Publish>(300ms));
}

TEST_F(PahoTest, PahoPublishesAndSubscribesInsideItsNamespaceOnly) {
  auto d = AddDevice("valve-1");
  MQTTClient client = Create(d);
  MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
  options.username = d.name.c_str();
  options.password = d.password.c_str();
  ASSERT_EQ(MQTTClient_connect(client, &options), MQTTCLIENT_SUCCESS);
  int granted = -1;
  ASSERT_EQ(MQTTClient_subscribe(client, "devices/valve-1/commands", 1), MQTTCLIENT_SUCCESS);
  const char* filters[] = {"devices/valve-2/commands"};
  int qos[] = {1};
  MQTTClient_subscribeMany(client, 1, const_cast<char* const*>(filters), qos);
  granted = qos[0];
  EXPECT_EQ(granted, 0x80);  // 3.1.1 Failure
  MQTTClient_deliveryToken token = 0;
  char payload[] = "42";
  ASSERT_EQ(MQTTClient_publish(client, "devices/valve-1/level", 2, payload, 1, 0, &token),
            MQTTCLIENT_SUCCESS);
  ASSERT_EQ(MQTTClient_waitForCompletion(client, token, 5000), MQTTCLIENT_SUCCESS);
  ASSERT_EQ(handler_.publishes().size(), 1u);
  EXPECT_EQ(handler_.publishes()[0].message.topic, "devices/valve-1/level");
  EXPECT_EQ(server_->stats().subscribes_refused, 1u);
}

#ifdef CUSTOS_PAHO_WILL_CLIENT
TEST_F(PahoTest, LastWillIsPublishedWhenTheDeviceIsKilled) {
  auto d = AddDevice("valve-1");
  testing::Background device({CUSTOS_PAHO_WILL_CLIENT, std::to_string(port_), d.name, d.name,
                              d.password, "devices/valve-1/status", "offline"},
                             dir_ / "will-client.txt");
  ASSERT_TRUE(WaitFor([&] { return handler_.connects().size() == 1; }, 10s)) << device.Output();
  EXPECT_TRUE(handler_.publishes().empty());
  device.Kill();  // no DISCONNECT reaches the server
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 1; }, 10s));
  auto will = handler_.publishes()[0];
  EXPECT_TRUE(will.sender.will);
  EXPECT_EQ(will.sender.device_id, d.id);
  EXPECT_EQ(will.message.topic, "devices/valve-1/status");
  EXPECT_EQ(std::string(will.message.payload.begin(), will.message.payload.end()), "offline");
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));
  EXPECT_NE(handler_.disconnects()[0].reason, ReasonCode::kNormalDisconnection);
  EXPECT_EQ(server_->stats().wills_published, 1u);
}
#endif

}  // namespace
}  // namespace custos::mqtt::server

#endif  // CUSTOS_HAVE_PAHO
