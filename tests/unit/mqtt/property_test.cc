// The property table of v5 §2.2.2.2 and the Properties container.
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"

namespace custos::mqtt {
namespace {

using enum PropertyId;

TEST(PropertyTest, TypesOfTable2_4) {
  EXPECT_EQ(PropertyTypeOf(0x01), PropertyType::kByte);
  EXPECT_EQ(PropertyTypeOf(0x02), PropertyType::kFourByteInteger);
  EXPECT_EQ(PropertyTypeOf(0x03), PropertyType::kUtf8String);
  EXPECT_EQ(PropertyTypeOf(0x09), PropertyType::kBinaryData);
  EXPECT_EQ(PropertyTypeOf(0x0B), PropertyType::kVariableByteInteger);
  EXPECT_EQ(PropertyTypeOf(0x13), PropertyType::kTwoByteInteger);
  EXPECT_EQ(PropertyTypeOf(0x26), PropertyType::kUtf8StringPair);
  EXPECT_EQ(PropertyTypeOf(0x2A), PropertyType::kByte);
  for (std::uint32_t unknown : {0x00u, 0x04u, 0x0Au, 0x14u, 0x1Bu, 0x20u, 0x2Bu, 0x7Fu, 0x100u}) {
    EXPECT_FALSE(PropertyTypeOf(unknown)) << unknown;
  }
  EXPECT_STREQ(ToString(kSessionExpiryInterval), "Session Expiry Interval");
}

TEST(PropertyTest, WhereEachMayAppear) {
  EXPECT_TRUE(AllowedIn(kSessionExpiryInterval, PacketType::kConnect));
  EXPECT_TRUE(AllowedIn(kSessionExpiryInterval, PacketType::kDisconnect));
  EXPECT_FALSE(AllowedIn(kSessionExpiryInterval, PacketType::kPublish));
  EXPECT_TRUE(AllowedIn(kTopicAlias, PacketType::kPublish));
  EXPECT_FALSE(AllowedInWill(kTopicAlias));
  EXPECT_TRUE(AllowedInWill(kWillDelayInterval));
  EXPECT_FALSE(AllowedIn(kWillDelayInterval, PacketType::kConnect));
  EXPECT_TRUE(AllowedIn(kReasonString, PacketType::kPubcomp));
  EXPECT_FALSE(AllowedIn(kReasonString, PacketType::kPublish));
  EXPECT_TRUE(AllowedIn(kSubscriptionIdentifier, PacketType::kSubscribe));
  EXPECT_FALSE(AllowedIn(kSubscriptionIdentifier, PacketType::kUnsubscribe));
  for (int t = 1; t <= 15; ++t) {
    const auto type = static_cast<PacketType>(t);
    const bool has_properties = type != PacketType::kPingreq && type != PacketType::kPingresp;
    EXPECT_EQ(AllowedIn(kUserProperty, type), has_properties) << ToString(type);
  }
  EXPECT_TRUE(AllowedInWill(kUserProperty));
}

TEST(PropertyTest, Repetition) {
  EXPECT_TRUE(MayRepeat(kUserProperty, PacketType::kConnect));
  EXPECT_TRUE(MayRepeat(kSubscriptionIdentifier, PacketType::kPublish));
  EXPECT_FALSE(MayRepeat(kSubscriptionIdentifier, PacketType::kSubscribe));
  EXPECT_FALSE(MayRepeat(kReasonString, PacketType::kPuback));
}

TEST(PropertiesTest, SetReplacesAndAddAppends) {
  Properties p;
  p.SetReasonString("a");
  p.AddUserProperty("k", "1");
  p.AddUserProperty("k", "2");
  p.SetReasonString("b");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p.begin()->id, kReasonString);
  EXPECT_EQ(p.ReasonString(), "b");
  EXPECT_EQ(p.UserProperties(), (std::vector<StringPair>{{"k", "1"}, {"k", "2"}}));
  EXPECT_EQ(p.Remove(kUserProperty), 2u);
  EXPECT_FALSE(p.Has(kUserProperty));
  // Set collapses repeated entries into one.
  p.AddSubscriptionIdentifier(1);
  p.AddSubscriptionIdentifier(2);
  p.Set(kSubscriptionIdentifier, std::uint32_t{3});
  EXPECT_EQ(p.SubscriptionIdentifiers(), std::vector<std::uint32_t>{3});
}

TEST(PropertiesTest, TypedAccessors) {
  Properties p;
  EXPECT_FALSE(p.SessionExpiryInterval());
  p.SetSessionExpiryInterval(3600);
  p.SetReceiveMaximum(20);
  p.SetMaximumPacketSize(4096);
  p.SetTopicAliasMaximum(8);
  p.SetTopicAlias(3);
  p.SetResponseTopic("reply/1");
  p.SetCorrelationData({1, 2, 3});
  p.SetMessageExpiryInterval(30);
  p.SetPayloadFormatIndicator(1);
  p.SetContentType("application/json");
  p.SetAssignedClientIdentifier("auto-1");
  p.SetServerKeepAlive(120);
  p.SetAuthenticationMethod("TOKEN");
  p.SetAuthenticationData({9});
  EXPECT_EQ(p.SessionExpiryInterval(), 3600u);
  EXPECT_EQ(p.ReceiveMaximum(), 20);
  EXPECT_EQ(p.MaximumPacketSize(), 4096u);
  EXPECT_EQ(p.TopicAliasMaximum(), 8);
  EXPECT_EQ(p.TopicAlias(), 3);
  EXPECT_EQ(p.ResponseTopic(), "reply/1");
  ASSERT_TRUE(p.CorrelationData());
  EXPECT_EQ(std::vector<std::uint8_t>(p.CorrelationData()->begin(), p.CorrelationData()->end()),
            (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(p.MessageExpiryInterval(), 30u);
  EXPECT_EQ(p.PayloadFormatIndicator(), 1);
  EXPECT_EQ(p.ContentType(), "application/json");
  EXPECT_EQ(p.AssignedClientIdentifier(), "auto-1");
  EXPECT_EQ(p.ServerKeepAlive(), 120);
  EXPECT_EQ(p.AuthenticationMethod(), "TOKEN");
  EXPECT_EQ(p.AuthenticationData()->size(), 1u);
  // A value of the wrong kind reads as absent.
  Properties wrong;
  wrong.Set(kReasonString, std::uint32_t{1});
  EXPECT_FALSE(wrong.ReasonString());
}

// Values built by hand that break the table are refused by Validate, with the reason Decode
// would give for the same bytes.
TEST(PropertiesTest, ValidateChecksTypesRangesAndPlaces) {
  auto reason_of = [](Properties properties) {
    Publish p;
    p.topic = "t";
    p.properties = std::move(properties);
    auto ok = Validate(p, Version::kV5);
    return ok ? ReasonCode::kSuccess : ReasonFor(ok.error());
  };
  Properties wrong_type;
  wrong_type.Set(kContentType, std::uint32_t{1});
  EXPECT_EQ(reason_of(wrong_type), ReasonCode::kMalformedPacket);
  Properties too_big;
  too_big.Set(kTopicAlias, std::uint32_t{70000});
  EXPECT_EQ(reason_of(too_big), ReasonCode::kMalformedPacket);
  Properties flag;
  flag.SetPayloadFormatIndicator(2);
  EXPECT_EQ(reason_of(flag), ReasonCode::kProtocolError);
  Properties misplaced;
  misplaced.SetServerKeepAlive(5);
  EXPECT_EQ(reason_of(misplaced), ReasonCode::kMalformedPacket);
  Properties repeated;
  repeated.Add(Property{kContentType, std::string("a")});
  repeated.Add(Property{kContentType, std::string("b")});
  EXPECT_EQ(reason_of(repeated), ReasonCode::kProtocolError);
  Properties pair;
  pair.AddUserProperty("k", std::string("\xff"));
  EXPECT_EQ(reason_of(pair), ReasonCode::kMalformedPacket);
  Properties fine;
  fine.AddUserProperty("k", "v");
  fine.AddSubscriptionIdentifier(268'435'455);
  EXPECT_EQ(reason_of(fine), ReasonCode::kSuccess);
}

}  // namespace
}  // namespace custos::mqtt
