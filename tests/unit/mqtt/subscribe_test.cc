// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK: byte-exact vectors from v3.1.1 §3.8 - §3.11 and
// v5 §3.8 - §3.11.
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

TEST(SubscribeTest, V311) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {{"a/b", QoS::kAtLeastOnce}, {"c/#", QoS::kExactlyOnce}};
  ExpectBothWays(s,
                 Cat({Bytes({0x82, 14, 0x00, 0x01}), Field("a/b"), Bytes({0x01}), Field("c/#"),
                      Bytes({0x02})}),
                 Version::kV311);
}

// v5 §3.8.3.1: options 0x2D are QoS 1, No Local, Retain As Published, Retain Handling 2;
// a Subscription Identifier of 5 in the properties.
TEST(SubscribeTest, V5WithOptions) {
  Subscribe s;
  s.packet_id = 10;
  s.properties.AddSubscriptionIdentifier(5);
  s.subscriptions.push_back(
      Subscription{"a/+", QoS::kAtLeastOnce, true, true, RetainHandling::kDoNotSend});
  s.subscriptions.push_back(Subscription{"$share/g/x/#", QoS::kExactlyOnce, false, false,
                                         RetainHandling::kSendOnNewSubscribe});
  ExpectBothWays(s,
                 Cat({Bytes({0x82, 26, 0x00, 0x0a, 0x02, 0x0b, 0x05}), Field("a/+"), Bytes({0x2d}),
                      Field("$share/g/x/#"), Bytes({0x12})}),
                 Version::kV5);
  EXPECT_EQ(s.properties.SubscriptionIdentifiers(), std::vector<std::uint32_t>{5});
}

TEST(SubscribeTest, V5OptionsAreRefusedIn311) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions.push_back(Subscription{"a", QoS::kAtMostOnce, true});
  EXPECT_FALSE(Validate(s, Version::kV311));
  // No Local in a 3.1.1 Requested QoS byte sets a reserved bit.
  auto decoded =
      Decode(Cat({Bytes({0x82, 0x06, 0x00, 0x01}), Field("a"), Bytes({0x04})}), Version::kV311);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(ReasonFor(decoded.error()), ReasonCode::kMalformedPacket);
  EXPECT_EQ(decoded.error().position, 7u);
}

// In 3.1.1 "$share/..." is an ordinary filter.
TEST(SubscribeTest, SharedSubscriptionSyntaxIsAV5Rule) {
  const auto wire = Cat({Bytes({0x82, 0x0d, 0x00, 0x01}), Field("$share/g"), Bytes({0x00})});
  EXPECT_TRUE(Decode(wire, Version::kV311));
  const auto v5 = Cat({Bytes({0x82, 0x0e, 0x00, 0x01, 0x00}), Field("$share/g"), Bytes({0x00})});
  auto decoded = Decode(v5, Version::kV5);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(ReasonFor(decoded.error()), ReasonCode::kTopicFilterInvalid);
}

TEST(SubackTest, V311) {
  ExpectBothWays(Suback{10, {ReasonCode::kGrantedQos1, ReasonCode::kUnspecifiedError}, {}},
                 Bytes({0x90, 0x04, 0x00, 0x0a, 0x01, 0x80}), Version::kV311);
  // v5-only codes have no place in a 3.1.1 SUBACK.
  EXPECT_FALSE(Validate(Suback{10, {ReasonCode::kNotAuthorized}, {}}, Version::kV311));
  EXPECT_FALSE(Decode(Bytes({0x90, 0x03, 0x00, 0x0a, 0x87}), Version::kV311));
}

TEST(SubackTest, V5) {
  Suback s{10, {ReasonCode::kGrantedQos1, ReasonCode::kTopicFilterInvalid}, {}};
  ExpectBothWays(s, Bytes({0x90, 0x05, 0x00, 0x0a, 0x00, 0x01, 0x8f}), Version::kV5);
  s.properties.SetReasonString("x");
  ExpectBothWays(
      s, Cat({Bytes({0x90, 0x09, 0x00, 0x0a, 0x04, 0x1f}), Field("x"), Bytes({0x01, 0x8f})}),
      Version::kV5);
}

TEST(UnsubscribeTest, BothVersions) {
  Unsubscribe u{2, {"a/b"}, {}};
  ExpectBothWays(u, Cat({Bytes({0xa2, 0x07, 0x00, 0x02}), Field("a/b")}), Version::kV311);
  ExpectBothWays(u, Cat({Bytes({0xa2, 0x08, 0x00, 0x02, 0x00}), Field("a/b")}), Version::kV5);
}

TEST(UnsubackTest, BothVersions) {
  ExpectBothWays(Unsuback{2, {}, {}}, Bytes({0xb0, 0x02, 0x00, 0x02}), Version::kV311);
  ExpectBothWays(Unsuback{2, {ReasonCode::kNoSubscriptionExisted}, {}},
                 Bytes({0xb0, 0x04, 0x00, 0x02, 0x00, 0x11}), Version::kV5);
  EXPECT_FALSE(Validate(Unsuback{2, {ReasonCode::kSuccess}, {}}, Version::kV311));
  EXPECT_FALSE(Validate(Unsuback{2, {}, {}}, Version::kV5));
}

}  // namespace
}  // namespace custos::mqtt
