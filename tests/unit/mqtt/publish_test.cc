// PUBLISH at each QoS and the four responses: byte-exact vectors from v3.1.1 §3.3 - §3.7 and
// v5 §3.3 - §3.7.
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Field;
using testing::Text;

void ExpectBothWays(const Packet& packet, const std::vector<std::uint8_t>& wire, Version version) {
  ASSERT_TRUE(Validate(packet, version)) << Validate(packet, version).error().message;
  EXPECT_EQ(Encode(packet, version), wire);
  EXPECT_EQ(EncodedSize(packet, version), wire.size());
  auto decoded = Decode(wire, version);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, packet);
}

Publish Make(QoS qos, std::uint16_t id, bool retain, bool dup) {
  Publish p;
  p.topic = "a/b";
  p.qos = qos;
  p.packet_id = id;
  p.retain = retain;
  p.dup = dup;
  p.payload = Text("hi");
  return p;
}

TEST(PublishTest, V311AtEachQos) {
  ExpectBothWays(Make(QoS::kAtMostOnce, 0, false, false),
                 Cat({Bytes({0x30, 7}), Field("a/b"), Text("hi")}), Version::kV311);
  ExpectBothWays(Make(QoS::kAtLeastOnce, 10, true, false),
                 Cat({Bytes({0x33, 9}), Field("a/b"), Bytes({0x00, 0x0a}), Text("hi")}),
                 Version::kV311);
  ExpectBothWays(Make(QoS::kExactlyOnce, 0xabcd, false, true),
                 Cat({Bytes({0x3c, 9}), Field("a/b"), Bytes({0xab, 0xcd}), Text("hi")}),
                 Version::kV311);
}

TEST(PublishTest, V5AtEachQosWithoutProperties) {
  ExpectBothWays(Make(QoS::kAtMostOnce, 0, false, false),
                 Cat({Bytes({0x30, 8}), Field("a/b"), Bytes({0x00}), Text("hi")}), Version::kV5);
  ExpectBothWays(Make(QoS::kAtLeastOnce, 1, false, false),
                 Cat({Bytes({0x32, 10}), Field("a/b"), Bytes({0x00, 0x01, 0x00}), Text("hi")}),
                 Version::kV5);
  ExpectBothWays(Make(QoS::kExactlyOnce, 2, true, true),
                 Cat({Bytes({0x3d, 10}), Field("a/b"), Bytes({0x00, 0x02, 0x00}), Text("hi")}),
                 Version::kV5);
}

// Payload Format Indicator 1, Topic Alias 5, a User Property k=v, Subscription Identifiers
// 1 and 128 (which may repeat in PUBLISH, v5 §3.3.2.3.8), Correlation Data and Response Topic.
TEST(PublishTest, V5WithProperties) {
  Publish p = Make(QoS::kAtLeastOnce, 1, false, false);
  p.properties.SetPayloadFormatIndicator(1);
  p.properties.SetTopicAlias(5);
  p.properties.AddUserProperty("k", "v");
  p.properties.AddSubscriptionIdentifier(1);
  p.properties.AddSubscriptionIdentifier(128);
  p.properties.SetCorrelationData(Bytes({0xde, 0xad}));
  p.properties.SetResponseTopic("r");
  const auto properties =
      Cat({Bytes({0x01, 0x01, 0x23, 0x00, 0x05, 0x26}), Field("k"), Field("v"),
           Bytes({0x0b, 0x01, 0x0b, 0x80, 0x01, 0x09, 0x00, 0x02, 0xde, 0xad, 0x08}), Field("r")});
  ASSERT_EQ(properties.size(), 26u);
  ExpectBothWays(
      p, Cat({Bytes({0x32, 36}), Field("a/b"), Bytes({0x00, 0x01, 26}), properties, Text("hi")}),
      Version::kV5);
  EXPECT_EQ(p.properties.SubscriptionIdentifiers(), (std::vector<std::uint32_t>{1, 128}));
  EXPECT_EQ(p.properties.TopicAlias(), 5);
  EXPECT_EQ(p.properties.ResponseTopic(), "r");
}

// v5 §3.3.2.3.4: a Topic Alias may stand for the topic, which is then empty.
TEST(PublishTest, V5EmptyTopicWithTopicAlias) {
  Publish p;
  p.properties.SetTopicAlias(1);
  p.payload = Text("x");
  ExpectBothWays(p, Bytes({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'x'}), Version::kV5);
}

TEST(PublishTest, EmptyPayload) {
  Publish p = Make(QoS::kAtMostOnce, 0, true, false);
  p.payload.clear();
  ExpectBothWays(p, Cat({Bytes({0x31, 5}), Field("a/b")}), Version::kV311);
}

TEST(PublishResponseTest, V311) {
  ExpectBothWays(Puback{7, ReasonCode::kSuccess, {}}, Bytes({0x40, 0x02, 0x00, 0x07}),
                 Version::kV311);
  ExpectBothWays(Pubrec{7, ReasonCode::kSuccess, {}}, Bytes({0x50, 0x02, 0x00, 0x07}),
                 Version::kV311);
  ExpectBothWays(Pubrel{7, ReasonCode::kSuccess, {}}, Bytes({0x62, 0x02, 0x00, 0x07}),
                 Version::kV311);
  ExpectBothWays(Pubcomp{7, ReasonCode::kSuccess, {}}, Bytes({0x70, 0x02, 0x00, 0x07}),
                 Version::kV311);
  EXPECT_FALSE(Validate(Puback{7, ReasonCode::kNotAuthorized, {}}, Version::kV311));
}

// v5 §3.4.2.1: Success without properties takes two bytes; a reason code alone three.
TEST(PublishResponseTest, V5ShortestForms) {
  ExpectBothWays(Puback{1, ReasonCode::kSuccess, {}}, Bytes({0x40, 0x02, 0x00, 0x01}),
                 Version::kV5);
  ExpectBothWays(Puback{1, ReasonCode::kNoMatchingSubscribers, {}},
                 Bytes({0x40, 0x03, 0x00, 0x01, 0x10}), Version::kV5);
  ExpectBothWays(Pubrel{1, ReasonCode::kPacketIdentifierNotFound, {}},
                 Bytes({0x62, 0x03, 0x00, 0x01, 0x92}), Version::kV5);
  Puback denied{1, ReasonCode::kNotAuthorized, {}};
  denied.properties.SetReasonString("den");
  ExpectBothWays(denied, Cat({Bytes({0x40, 0x0a, 0x00, 0x01, 0x87, 0x06, 0x1f}), Field("den")}),
                 Version::kV5);
}

// Longer forms of the same values decode too.
TEST(PublishResponseTest, V5LongerFormsDecode) {
  for (const auto& wire :
       {Bytes({0x50, 0x03, 0x00, 0x01, 0x00}), Bytes({0x50, 0x04, 0x00, 0x01, 0x00, 0x00})}) {
    auto decoded = Decode(wire, Version::kV5);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, Packet(Pubrec{1, ReasonCode::kSuccess, {}}));
  }
}

TEST(PublishResponseTest, ReasonCodesOutsideTheTableAreRefused) {
  // 0x92 belongs to PUBREL and PUBCOMP, 0x10 to PUBACK and PUBREC.
  EXPECT_FALSE(Decode(Bytes({0x40, 0x03, 0x00, 0x01, 0x92}), Version::kV5));
  EXPECT_FALSE(Decode(Bytes({0x70, 0x03, 0x00, 0x01, 0x10}), Version::kV5));
  EXPECT_FALSE(Validate(Pubcomp{1, ReasonCode::kNoMatchingSubscribers, {}}, Version::kV5));
}

}  // namespace
}  // namespace custos::mqtt
