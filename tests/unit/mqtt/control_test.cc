// PINGREQ, PINGRESP, DISCONNECT and AUTH (v5 §3.12 - §3.15, v3.1.1 §3.12 - §3.14).
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Field;

void ExpectBothWays(const Packet& packet, const std::vector<std::uint8_t>& wire, Version version) {
  ASSERT_TRUE(Validate(packet, version)) << Validate(packet, version).error().message;
  EXPECT_EQ(Encode(packet, version), wire);
  auto decoded = Decode(wire, version);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, packet);
}

TEST(ControlTest, Ping) {
  for (Version v : {Version::kV311, Version::kV5}) {
    ExpectBothWays(Pingreq{}, Bytes({0xc0, 0x00}), v);
    ExpectBothWays(Pingresp{}, Bytes({0xd0, 0x00}), v);
  }
}

TEST(ControlTest, Disconnect) {
  ExpectBothWays(Disconnect{}, Bytes({0xe0, 0x00}), Version::kV311);
  ExpectBothWays(Disconnect{}, Bytes({0xe0, 0x00}), Version::kV5);
  ExpectBothWays(Disconnect{ReasonCode::kDisconnectWithWillMessage, {}}, Bytes({0xe0, 0x01, 0x04}),
                 Version::kV5);
  Disconnect shutting_down{ReasonCode::kServerShuttingDown, {}};
  shutting_down.properties.SetReasonString("bye");
  ExpectBothWays(shutting_down, Cat({Bytes({0xe0, 0x08, 0x8b, 0x06, 0x1f}), Field("bye")}),
                 Version::kV5);
  EXPECT_FALSE(Validate(shutting_down, Version::kV311));
}

TEST(ControlTest, Auth) {
  ExpectBothWays(Auth{}, Bytes({0xf0, 0x00}), Version::kV5);
  Auth more{ReasonCode::kContinueAuthentication, {}};
  more.properties.SetAuthenticationMethod("SCRAM");
  more.properties.SetAuthenticationData(Bytes({0x01, 0x02}));
  ExpectBothWays(more,
                 Cat({Bytes({0xf0, 0x0f, 0x18, 0x0d, 0x15}), Field("SCRAM"),
                      Bytes({0x16, 0x00, 0x02, 0x01, 0x02})}),
                 Version::kV5);
  EXPECT_EQ(more.properties.AuthenticationMethod(), "SCRAM");
  EXPECT_FALSE(Validate(Auth{}, Version::kV311));
}

}  // namespace
}  // namespace custos::mqtt
