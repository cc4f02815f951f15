// CONNECT and CONNACK: byte-exact vectors computed from the field layouts of v3.1.1 §3.1,
// §3.2 and v5 §3.1, §3.2.
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Field;
using testing::Text;

// The variable header of the v3.1.1 §3.1.2 example (protocol level 4, connect flags 0xCE:
// user name, password, will QoS 1, will, clean session; keep alive 10) with a payload of
// client "client", will topic "w", will message "bye", user "user", password "pass".
std::vector<std::uint8_t> V311ConnectWire() {
  return Cat({Bytes({0x10, 38}), Field("MQTT"), Bytes({0x04, 0xce, 0x00, 0x0a}), Field("client"),
              Field("w"), Field("bye"), Field("user"), Field("pass")});
}

Connect V311Connect() {
  Connect c;
  c.version = Version::kV311;
  c.clean_start = true;
  c.keep_alive = 10;
  c.client_id = "client";
  c.will = Will{"w", Text("bye"), QoS::kAtLeastOnce, false, {}};
  c.username = "user";
  c.password = Text("pass");
  return c;
}

TEST(ConnectTest, V311SpecExample) {
  const auto wire = V311ConnectWire();
  ASSERT_EQ(wire.size(), 40u);
  auto packet = Decode(wire, Version::kV311);
  ASSERT_TRUE(packet) << packet.error().message;
  EXPECT_EQ(std::get<Connect>(*packet), V311Connect());
  EXPECT_EQ(Encode(V311Connect(), Version::kV311), wire);
  // A CONNECT is decoded and encoded by its own level, whatever the caller says.
  EXPECT_TRUE(Decode(wire, Version::kV5));
  EXPECT_EQ(Encode(V311Connect(), Version::kV5), wire);
}

// The v5 §3.1.2 example header (level 5, flags 0xCE, keep alive 10, Session Expiry Interval
// 10) with Will Properties (Will Delay Interval 60, Payload Format Indicator 1).
TEST(ConnectTest, V5WithProperties) {
  const auto wire = Cat({Bytes({0x10, 52}), Field("MQTT"), Bytes({0x05, 0xce, 0x00, 0x0a}),
                         Bytes({0x05, 0x11, 0x00, 0x00, 0x00, 0x0a}), Field("client"),
                         Bytes({0x07, 0x18, 0x00, 0x00, 0x00, 0x3c, 0x01, 0x01}), Field("w"),
                         Field("bye"), Field("user"), Field("pass")});
  ASSERT_EQ(wire.size(), 54u);
  Connect c = V311Connect();
  c.version = Version::kV5;
  c.properties.SetSessionExpiryInterval(10);
  c.will->properties.Add(Property{PropertyId::kWillDelayInterval, std::uint32_t{60}});
  c.will->properties.SetPayloadFormatIndicator(1);

  auto packet = Decode(wire, Version::kV5);
  ASSERT_TRUE(packet) << packet.error().message;
  const auto& decoded = std::get<Connect>(*packet);
  EXPECT_EQ(decoded, c);
  EXPECT_EQ(decoded.properties.SessionExpiryInterval(), 10u);
  EXPECT_EQ(decoded.will->properties.WillDelayInterval(), 60u);
  EXPECT_EQ(Encode(c, Version::kV5), wire);
  EXPECT_EQ(EncodedSize(c, Version::kV5), wire.size());
}

TEST(ConnectTest, MinimalV5ConnectWithEmptyClientId) {
  const auto wire =
      Cat({Bytes({0x10, 13}), Field("MQTT"), Bytes({0x05, 0x02, 0x00, 0x3c, 0x00}), Field("")});
  Connect c;
  c.keep_alive = 60;
  EXPECT_EQ(Encode(c, Version::kV5), wire);
  auto packet = Decode(wire, Version::kV5);
  ASSERT_TRUE(packet) << packet.error().message;
  EXPECT_EQ(std::get<Connect>(*packet), c);
}

// MQTT 5.0 lets a password come without a user name (§3.1.2.9); 3.1.1 does not.
TEST(ConnectTest, PasswordWithoutUserName) {
  const auto v5 = Cat({Bytes({0x10, 19}), Field("MQTT"), Bytes({0x05, 0x42, 0x00, 0x00, 0x00}),
                       Field(""), Field("pass")});
  auto packet = Decode(v5, Version::kV5);
  ASSERT_TRUE(packet) << packet.error().message;
  EXPECT_EQ(std::get<Connect>(*packet).password, Text("pass"));
  EXPECT_FALSE(std::get<Connect>(*packet).username);

  const auto v311 = Cat({Bytes({0x10, 18}), Field("MQTT"), Bytes({0x04, 0x42, 0x00, 0x00}),
                         Field(""), Field("pass")});
  auto refused = Decode(v311, Version::kV311);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().position, 9u);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kMalformedPacket);
}

TEST(ConnackTest, V311) {
  Connack accepted;
  accepted.session_present = true;
  EXPECT_EQ(Encode(accepted, Version::kV311), Bytes({0x20, 0x02, 0x01, 0x00}));
  Connack refused;
  refused.reason_code = ReasonCode::kNotAuthorized;
  EXPECT_EQ(Encode(refused, Version::kV311), Bytes({0x20, 0x02, 0x00, 0x05}));
  for (int code = 0; code <= 5; ++code) {
    auto packet = Decode(Bytes({0x20, 0x02, 0x00, code}), Version::kV311);
    ASSERT_TRUE(packet) << packet.error().message;
    EXPECT_EQ(ToConnectReturnCode(std::get<Connack>(*packet).reason_code),
              static_cast<ConnectReturnCode>(code));
  }
  // Reasons without a 3.1.1 return code cannot be sent in a 3.1.1 CONNACK.
  refused.reason_code = ReasonCode::kMalformedPacket;
  EXPECT_FALSE(Validate(refused, Version::kV311));
}

TEST(ConnackTest, V5WithProperties) {
  Connack c;
  c.properties.SetAssignedClientIdentifier("abc");
  c.properties.SetServerKeepAlive(60);
  c.properties.SetReceiveMaximum(10);
  c.properties.SetTopicAliasMaximum(5);
  c.properties.SetMaximumQos(QoS::kAtLeastOnce);
  c.properties.SetRetainAvailable(false);
  c.properties.SetMaximumPacketSize(65536);
  const auto wire = Cat({Bytes({0x20, 27, 0x00, 0x00, 24}), Bytes({0x12}), Field("abc"),
                         Bytes({0x13, 0x00, 0x3c, 0x21, 0x00, 0x0a, 0x22, 0x00, 0x05, 0x24, 0x01,
                                0x25, 0x00, 0x27, 0x00, 0x01, 0x00, 0x00})});
  ASSERT_TRUE(Validate(c, Version::kV5));
  EXPECT_EQ(Encode(c, Version::kV5), wire);
  auto packet = Decode(wire, Version::kV5);
  ASSERT_TRUE(packet) << packet.error().message;
  const auto& decoded = std::get<Connack>(*packet);
  EXPECT_EQ(decoded, c);
  EXPECT_EQ(decoded.properties.AssignedClientIdentifier(), "abc");
  EXPECT_EQ(decoded.properties.ServerKeepAlive(), 60);
  EXPECT_EQ(decoded.properties.ReceiveMaximum(), 10);
  EXPECT_EQ(decoded.properties.TopicAliasMaximum(), 5);
  EXPECT_EQ(decoded.properties.MaximumPacketSize(), 65536u);
}

TEST(ConnackTest, V5Refusal) {
  Connack c;
  c.reason_code = ReasonCode::kBadUserNameOrPassword;
  c.properties.SetReasonString("no");
  const auto wire = Cat({Bytes({0x20, 0x08, 0x00, 0x86, 0x05, 0x1f}), Field("no")});
  EXPECT_EQ(Encode(c, Version::kV5), wire);
  auto packet = Decode(wire, Version::kV5);
  ASSERT_TRUE(packet) << packet.error().message;
  EXPECT_EQ(std::get<Connack>(*packet).properties.ReasonString(), "no");
}

}  // namespace
}  // namespace custos::mqtt
