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

TEST_F(PahoTest, V5SessionResumesWithQueuedMessageAndItsProperties) {
  auto d = AddDevice("valve-1");
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(port_);
  MQTTClient_createOptions create = MQTTClient_createOptions_initializer;
  create.MQTTVersion = MQTTVERSION_5;
  MQTTClient client = nullptr;
  ASSERT_EQ(MQTTClient_createWithOptions(&client, uri.c_str(), d.name.c_str(),
                                         MQTTCLIENT_PERSISTENCE_NONE, nullptr, &create),
            MQTTCLIENT_SUCCESS);
  clients_.push_back(client);
  MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer5;
  options.cleanstart = 0;
  options.username = d.name.c_str();
  options.password = d.password.c_str();
  MQTTProperties connect_properties = MQTTProperties_initializer;
  MQTTProperty expiry;
  expiry.identifier = MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL;
  expiry.value.integer4 = 600;
  MQTTProperties_add(&connect_properties, &expiry);
  auto connect = [&] {
    MQTTResponse response = MQTTClient_connect5(client, &options, &connect_properties, nullptr);
    const int code = response.reasonCode;
    MQTTResponse_free(response);
    return code;
  };
  ASSERT_EQ(connect(), MQTTREASONCODE_SUCCESS);
  MQTTSubscribe_options subscribe_options = MQTTSubscribe_options_initializer;
  MQTTResponse subscribed =
      MQTTClient_subscribe5(client, "devices/valve-1/rpc/#", 1, &subscribe_options, nullptr);
  EXPECT_EQ(subscribed.reasonCode, MQTTREASONCODE_GRANTED_QOS_1);
  MQTTResponse_free(subscribed);
  ASSERT_EQ(MQTTClient_disconnect5(client, 1000, MQTTREASONCODE_SUCCESS, nullptr),
            MQTTCLIENT_SUCCESS);
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 5s));

  Message request;
  request.topic = "devices/valve-1/rpc/set";
  request.payload = {'4', '2'};
  request.qos = QoS::kAtLeastOnce;
  request.properties.SetResponseTopic("devices/valve-1/rpc/reply");
  request.properties.SetCorrelationData({0xCA, 0xFE});
  request.properties.AddUserProperty("operation", "17");
  auto outcome = server_->Publish(d.id, request);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, PublishOutcome::kQueued);

  ASSERT_EQ(connect(), MQTTREASONCODE_SUCCESS);
  char* topic = nullptr;
  int topic_length = 0;
  MQTTClient_message* message = nullptr;
  ASSERT_TRUE(WaitFor(
      [&] {
        MQTTClient_receive(client, &topic, &topic_length, &message, 100);
        return message != nullptr;
      },
      10s));
  EXPECT_STREQ(topic, "devices/valve-1/rpc/set");
  MQTTProperty* response_topic =
      MQTTProperties_getProperty(&message->properties, MQTTPROPERTY_CODE_RESPONSE_TOPIC);
  ASSERT_NE(response_topic, nullptr);
  EXPECT_EQ(std::string(response_topic->value.data.data,
                        static_cast<std::size_t>(response_topic->value.data.len)),
            "devices/valve-1/rpc/reply");
  MQTTProperty* correlation =
      MQTTProperties_getProperty(&message->properties, MQTTPROPERTY_CODE_CORRELATION_DATA);
  ASSERT_NE(correlation, nullptr);
  EXPECT_EQ(correlation->value.data.len, 2);
  MQTTProperty* user =
      MQTTProperties_getProperty(&message->properties, MQTTPROPERTY_CODE_USER_PROPERTY);
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(std::string(user->value.value.data, static_cast<std::size_t>(user->value.value.len)),
            "17");
  MQTTClient_freeMessage(&message);
  MQTTClient_free(topic);
  MQTTProperties_free(&connect_properties);
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
