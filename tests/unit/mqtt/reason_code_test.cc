// Reason codes (v5 §2.4) and the 3.1.1 CONNACK return codes (v3.1.1 §3.2.2.3).
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"

namespace custos::mqtt {
namespace {

TEST(ReasonCodeTest, Text) {
  EXPECT_STREQ(ToString(ReasonCode::kMalformedPacket), "Malformed Packet");
  EXPECT_STREQ(ToString(ReasonCode::kPacketTooLarge), "Packet too large");
  EXPECT_STREQ(ToString(ReasonCode::kSuccess), "Success");
  EXPECT_STREQ(ToString(ReasonCode::kSuccess, PacketType::kDisconnect), "Normal disconnection");
  EXPECT_STREQ(ToString(ReasonCode::kSuccess, PacketType::kSuback), "Granted QoS 0");
  EXPECT_STREQ(ToString(static_cast<ReasonCode>(0x03)), "?");
}

TEST(ReasonCodeTest, ValidForTable2_6) {
  EXPECT_TRUE(ValidFor(ReasonCode::kMalformedPacket, PacketType::kConnack));
  EXPECT_TRUE(ValidFor(ReasonCode::kMalformedPacket, PacketType::kDisconnect));
  EXPECT_FALSE(ValidFor(ReasonCode::kMalformedPacket, PacketType::kPuback));
  EXPECT_TRUE(ValidFor(ReasonCode::kGrantedQos2, PacketType::kSuback));
  EXPECT_FALSE(ValidFor(ReasonCode::kGrantedQos2, PacketType::kPuback));
  EXPECT_TRUE(ValidFor(ReasonCode::kDisconnectWithWillMessage, PacketType::kDisconnect));
  EXPECT_TRUE(ValidFor(ReasonCode::kReAuthenticate, PacketType::kAuth));
  EXPECT_TRUE(ValidFor(ReasonCode::kPacketIdentifierNotFound, PacketType::kPubcomp));
  EXPECT_FALSE(ValidFor(ReasonCode::kPacketIdentifierNotFound, PacketType::kPubrec));
  EXPECT_FALSE(ValidFor(ReasonCode::kSuccess, PacketType::kPublish));
  // Every reason the codec closes a connection with can be sent in a DISCONNECT, and all
  // but Topic Filter invalid (which never arises before CONNACK) in a CONNACK.
  for (ReasonCode code : {ReasonCode::kMalformedPacket, ReasonCode::kProtocolError,
                          ReasonCode::kPacketTooLarge, ReasonCode::kTopicNameInvalid}) {
    EXPECT_TRUE(ValidFor(code, PacketType::kDisconnect));
    EXPECT_TRUE(ValidFor(code, PacketType::kConnack));
  }
  EXPECT_TRUE(ValidFor(ReasonCode::kTopicFilterInvalid, PacketType::kDisconnect));
  EXPECT_TRUE(ValidFor(ReasonCode::kUnsupportedProtocolVersion, PacketType::kConnack));
}

TEST(ReasonCodeTest, ConnectReturnCodes) {
  for (int i = 0; i <= 5; ++i) {
    const auto code = static_cast<ConnectReturnCode>(i);
    EXPECT_EQ(ToConnectReturnCode(FromConnectReturnCode(code)), code);
  }
  EXPECT_EQ(ToConnectReturnCode(ReasonCode::kServerBusy), ConnectReturnCode::kServerUnavailable);
  EXPECT_EQ(ToConnectReturnCode(ReasonCode::kBanned), ConnectReturnCode::kNotAuthorized);
  EXPECT_FALSE(ToConnectReturnCode(ReasonCode::kMalformedPacket));
  EXPECT_STREQ(ToString(ConnectReturnCode::kIdentifierRejected),
               "Connection Refused, identifier rejected");
}

}  // namespace
}  // namespace custos::mqtt
