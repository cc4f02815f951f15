// CONNECT over a raw socket: who gets in, who does not, and with which code in each version.
#include "fixture.h"

namespace custos::mqtt::server {
namespace {

class ConnectTest : public ServerFixture {
 protected:
  // The CONNACK reason (v5 terms) for a CONNECT, or nullopt if the server closed without one.
  std::optional<ReasonCode> TryConnect(Version version, const std::string& client_id,
                                       std::optional<std::string> username,
                                       std::optional<std::string> password) {
    RawClient client;
    EXPECT_TRUE(client.Open(port_));
    auto ack = client.Connect(
        RawClient::MakeConnect(version, client_id, std::move(username), std::move(password)));
    if (!ack) return std::nullopt;
    if (IsFailure(ack->reason_code)) {
      EXPECT_TRUE(client.WaitClosed());
    }
    return ack->reason_code;
  }
};

TEST_F(ConnectTest, DeviceWithItsPasswordIsAcceptedInBothVersions) {
  StartServer();
  auto d = AddDevice("sensor-1");
  for (Version v : {Version::kV5, Version::kV311}) {
    RawClient client;
    ASSERT_TRUE(client.Open(port_));
    auto ack = client.Connect(RawClient::MakeConnect(v, d.name, d.name, d.password));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->reason_code, ReasonCode::kSuccess);
    EXPECT_FALSE(ack->session_present);
    if (v == Version::kV5) {
      EXPECT_EQ(ack->properties.MaximumPacketSize(), options_.max_packet_size);
      ASSERT_NE(ack->properties.Find(PropertyId::kMaximumQos), nullptr);
      EXPECT_EQ(ack->properties.GetInteger(PropertyId::kMaximumQos), 1u);
      EXPECT_EQ(ack->properties.GetInteger(PropertyId::kRetainAvailable), 0u);
    }
    client.Send(Disconnect{});
    EXPECT_TRUE(client.WaitClosed());
  }
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 2; }, 5s));
  auto connects = handler_.connects();
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[0].device_id, d.id);
  EXPECT_EQ(connects[0].device_name, "sensor-1");
  EXPECT_EQ(connects[0].transport, "tcp");
  EXPECT_EQ(connects[0].keep_alive_s, 60);
  EXPECT_EQ(handler_.disconnects()[0].reason, ReasonCode::kNormalDisconnection);
  EXPECT_EQ(server_->stats().connects_accepted, 2u);
}

TEST_F(ConnectTest, WrongPasswordAndUnknownUserAreBadCredentials) {
  StartServer();
  auto d = AddDevice("sensor-1");
  EXPECT_EQ(TryConnect(Version::kV5, d.name, d.name, "not-the-password"),
            ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(TryConnect(Version::kV311, d.name, d.name, "not-the-password"),
            ReasonCode::kBadUserNameOrPassword);  // 3.1.1 return code 4
  EXPECT_EQ(TryConnect(Version::kV5, "ghost", "ghost", d.password),
            ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(TryConnect(Version::kV5, d.name, std::nullopt, std::nullopt),
            ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(server_->stats().connects_bad_credentials, 4u);
  EXPECT_EQ(server_->stats().connects_accepted, 0u);
  EXPECT_TRUE(handler_.connects().empty());
}

TEST_F(ConnectTest, DisabledAndRetiredDevicesAreNotAuthorized) {
  StartServer();
  auto disabled = AddDevice("sensor-d");
  ASSERT_TRUE(registry_->DisableDevice(admin(), disabled.id, "test"));
  EXPECT_EQ(TryConnect(Version::kV5, disabled.name, disabled.name, disabled.password),
            ReasonCode::kNotAuthorized);
  EXPECT_EQ(TryConnect(Version::kV311, disabled.name, disabled.name, disabled.password),
            ReasonCode::kNotAuthorized);  // 3.1.1 return code 5
  EXPECT_EQ(server_->stats().connects_not_authorized, 2u);
  // Retirement also revokes the credentials: the password is unknown from then on.
  auto retired = AddDevice("sensor-r");
  ASSERT_TRUE(registry_->RetireDevice(admin(), retired.id, "test"));
  EXPECT_EQ(TryConnect(Version::kV5, retired.name, retired.name, retired.password),
            ReasonCode::kBadUserNameOrPassword);
  EXPECT_EQ(TryConnect(Version::kV311, retired.name, retired.name, retired.password),
            ReasonCode::kBadUserNameOrPassword);
}

TEST_F(ConnectTest, ClientIdMustBeTheDeviceName) {
  StartServer();
  auto a = AddDevice("sensor-a");
  AddDevice("sensor-b");
  EXPECT_EQ(TryConnect(Version::kV5, "sensor-b", a.name, a.password),
            ReasonCode::kClientIdentifierNotValid);
  EXPECT_EQ(TryConnect(Version::kV311, "sensor-b", a.name, a.password),
            ReasonCode::kClientIdentifierNotValid);  // 3.1.1 return code 2
  EXPECT_EQ(server_->stats().connects_bad_client_id, 2u);
}

TEST_F(ConnectTest, EmptyClientIdIsGivenTheDeviceName) {
  StartServer();
  auto d = AddDevice("sensor-1");
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  auto ack = client.Connect(RawClient::MakeConnect(Version::kV5, "", d.name, d.password));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason_code, ReasonCode::kSuccess);
  EXPECT_EQ(ack->properties.AssignedClientIdentifier(), "sensor-1");
  // 3.1.1 allows an empty client id only with Clean Session.
  RawClient persistent;
  ASSERT_TRUE(persistent.Open(port_));
  auto connect = RawClient::MakeConnect(Version::kV311, "", d.name, d.password);
  connect.clean_start = false;
  auto refused = persistent.Connect(connect);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason_code, ReasonCode::kClientIdentifierNotValid);
}

TEST_F(ConnectTest, ConnectRateBeyondTheBucketIsRefused) {
  options_.max_connect_rate = 0.001;  // effectively: the burst and no more
  options_.connect_burst = 2;
  StartServer();
  auto d = AddDevice("sensor-1");
  EXPECT_EQ(TryConnect(Version::kV5, d.name, d.name, d.password), ReasonCode::kSuccess);
  EXPECT_EQ(TryConnect(Version::kV5, d.name, d.name, d.password), ReasonCode::kSuccess);
  EXPECT_EQ(TryConnect(Version::kV5, d.name, d.name, d.password),
            ReasonCode::kConnectionRateExceeded);
  EXPECT_EQ(TryConnect(Version::kV311, d.name, d.name, d.password),
            ReasonCode::kServerUnavailable);  // 3.1.1 return code 3
  EXPECT_EQ(server_->stats().connects_rate_limited, 2u);
}

TEST_F(ConnectTest, SocketsBeyondMaxConnectionsAreClosedAtOnce) {
  options_.max_connections = 1;
  StartServer();
  auto d = AddDevice("sensor-1");
  auto first = Login(d);
  RawClient second;
  ASSERT_TRUE(second.Open(port_));
  EXPECT_TRUE(second.WaitClosed());
  EXPECT_EQ(server_->stats().sockets_refused, 1u);
  EXPECT_FALSE(first->closed());
}

TEST_F(ConnectTest, SilentClientIsClosedAfterTheConnectTimeout) {
  options_.connect_timeout_ms = 200;
  StartServer();
  RawClient client;
  ASSERT_TRUE(client.Open(port_));
  EXPECT_TRUE(client.WaitClosed(10s));
  EXPECT_EQ(server_->stats().connects_timed_out, 1u);
}

TEST_F(ConnectTest, MalformedBytesCloseTheConnection) {
  StartServer();
  {
    // A CONNECT whose Remaining Length runs past the bytes that follow, then garbage: the
    // protocol name is wrong.
    RawClient client;
    ASSERT_TRUE(client.Open(port_));
    client.SendBytes(
        {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'X', 'X', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00});
    auto answer = client.Receive();
    if (answer) {
      ASSERT_TRUE(std::holds_alternative<Connack>(*answer));
      EXPECT_TRUE(IsFailure(std::get<Connack>(*answer).reason_code));
    }
    EXPECT_TRUE(client.WaitClosed());
  }
  {
    // Not a CONNECT first.
    RawClient client;
    ASSERT_TRUE(client.Open(port_));
    client.SendBytes({0xC0, 0x00});
    EXPECT_TRUE(client.WaitClosed());
  }
  {
    // A connected client sending a reserved packet type.
    auto d = AddDevice("sensor-1");
    auto client = Login(d);
    client->SendBytes({0x00, 0x00});
    auto disconnect = client->ReceiveA<Disconnect>();
    ASSERT_TRUE(disconnect);
    EXPECT_EQ(disconnect->reason_code, ReasonCode::kMalformedPacket);
    EXPECT_TRUE(client->WaitClosed());
  }
  EXPECT_GE(server_->stats().connects_malformed, 2u);
  EXPECT_GE(server_->stats().protocol_errors, 1u);
}

TEST_F(ConnectTest, OperatorLogsInWithATokenSecret) {
  StartServer();
  const std::string viewer = AddToken("watcher", core::Role::kViewer);
  EXPECT_EQ(TryConnect(Version::kV5, "dash-1", "operator", viewer), ReasonCode::kSuccess);
  EXPECT_EQ(TryConnect(Version::kV311, "dash-1", "operator", viewer), ReasonCode::kSuccess);
  EXPECT_EQ(TryConnect(Version::kV5, "dash-1", "operator", "cst_not-a-token"),
            ReasonCode::kBadUserNameOrPassword);
  // Operators are not devices: the handler hears nothing of them.
  EXPECT_TRUE(handler_.connects().empty());
}

}  // namespace
}  // namespace custos::mqtt::server
