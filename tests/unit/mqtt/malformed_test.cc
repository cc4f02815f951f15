// Every refusal of the decoder: the bytes, the version of the connection, the reason code to
// close it with and the offset named.
#include <gtest/gtest.h>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Field;

constexpr Version k311 = Version::kV311;
constexpr Version k5 = Version::kV5;
constexpr ReasonCode kMalformed = ReasonCode::kMalformedPacket;
constexpr ReasonCode kProtocol = ReasonCode::kProtocolError;

struct MalformedCase {
  const char* name;
  Version version;
  std::vector<std::uint8_t> wire;
  ReasonCode reason;
  std::size_t position;
};

std::vector<std::uint8_t> V5Connect(std::uint8_t flags, std::vector<std::uint8_t> properties,
                                    std::vector<std::uint8_t> rest) {
  auto body = Cat({Field("MQTT"), Bytes({0x05, flags, 0x00, 0x00}), properties, Field(""), rest});
  return Cat({Bytes({0x10, static_cast<int>(body.size())}), body});
}

std::vector<std::uint8_t> V311Connect(std::uint8_t level, std::uint8_t flags) {
  return Cat({Bytes({0x10, 12}), Field("MQTT"), Bytes({level, flags, 0x00, 0x00}), Field("")});
}

const std::vector<MalformedCase>& Cases() {
  static const std::vector<MalformedCase> cases = {
      // Fixed header (v5 §2.1).
      {"reserved packet type 0", k5, Bytes({0x00, 0x00}), kMalformed, 0},
      {"PUBREL flags 0000", k5, Bytes({0x60, 0x02, 0x00, 0x01}), kMalformed, 0},
      {"PUBACK flags 0001", k311, Bytes({0x41, 0x02, 0x00, 0x01}), kMalformed, 0},
      {"SUBSCRIBE flags 0000", k311,
       Cat({Bytes({0x80, 0x06, 0x00, 0x01}), Field("a"), Bytes({0x00})}), kMalformed, 0},
      {"PUBLISH QoS 3", k311, Cat({Bytes({0x36, 0x07}), Field("a/b"), Bytes({0, 1})}), kMalformed,
       0},
      {"PUBLISH DUP at QoS 0", k311, Cat({Bytes({0x38, 0x05}), Field("a/b")}), kMalformed, 0},
      {"remaining length of five bytes", k5, Bytes({0x30, 0xff, 0xff, 0xff, 0xff, 0x01}),
       kMalformed, 4},
      {"remaining length not minimal", k5, Bytes({0xc0, 0x80, 0x00}), kMalformed, 2},
      {"truncated fixed header", k5, Bytes({0x30, 0x80}), kMalformed, 2},
      {"truncated packet", k311, Cat({Bytes({0x30, 0x07}), Field("a")}), kMalformed, 5},
      {"bytes after the packet", k5, Bytes({0xc0, 0x00, 0x00}), kMalformed, 2},
      {"AUTH in 3.1.1", k311, Bytes({0xf0, 0x00}), kMalformed, 0},
      // Bodies of fixed size.
      {"PINGREQ with a body", k5, Bytes({0xc0, 0x01, 0x00}), kMalformed, 2},
      {"3.1.1 DISCONNECT with a body", k311, Bytes({0xe0, 0x01, 0x00}), kMalformed, 2},
      {"3.1.1 PUBACK with a reason code", k311, Bytes({0x40, 0x03, 0x00, 0x01, 0x00}), kMalformed,
       4},
      // PUBLISH (§3.3).
      {"QoS 1 without packet identifier", k311, Cat({Bytes({0x32, 0x05}), Field("a/b")}),
       kMalformed, 7},
      {"packet identifier 0", k311, Cat({Bytes({0x32, 0x07}), Field("a/b"), Bytes({0, 0})}),
       kProtocol, 7},
      {"PUBACK packet identifier 0", k5, Bytes({0x40, 0x02, 0x00, 0x00}), kProtocol, 2},
      {"'+' in a topic name", k311, Cat({Bytes({0x30, 0x05}), Field("a/+")}),
       ReasonCode::kTopicNameInvalid, 2},
      {"'#' in a topic name", k5, Cat({Bytes({0x30, 0x06}), Field("a/#"), Bytes({0x00})}),
       ReasonCode::kTopicNameInvalid, 2},
      {"empty 3.1.1 topic name", k311, Bytes({0x30, 0x02, 0x00, 0x00}),
       ReasonCode::kTopicNameInvalid, 2},
      {"empty v5 topic without Topic Alias", k5, Bytes({0x30, 0x03, 0x00, 0x00, 0x00}), kProtocol,
       2},
      // UTF-8 (§1.5.4).
      {"overlong UTF-8", k311, Bytes({0x30, 0x05, 0x00, 0x03, 'a', 0xc0, 0xaf}), kMalformed, 5},
      {"U+0000", k311, Bytes({0x30, 0x05, 0x00, 0x03, 'a', 0x00, 'b'}), kMalformed, 5},
      {"UTF-16 surrogate", k311, Bytes({0x30, 0x05, 0x00, 0x03, 0xed, 0xa0, 0x80}), kMalformed, 4},
      {"string past the end", k311, Bytes({0x30, 0x03, 0x00, 0x05, 'a'}), kMalformed, 4},
      // Properties (§2.2.2).
      {"repeated property", k5,
       Cat({Bytes({0x30, 0x08}), Field("a"), Bytes({0x04, 0x01, 0x00, 0x01, 0x00})}), kProtocol, 8},
      {"property not allowed in the packet", k5,
       Cat({Bytes({0x30, 0x09}), Field("a"), Bytes({0x05, 0x11, 0, 0, 0, 1})}), kMalformed, 6},
      {"unknown property", k5, Cat({Bytes({0x30, 0x06}), Field("a"), Bytes({0x02, 0x7f, 0x00})}),
       kMalformed, 6},
      {"property length past the end", k5,
       Cat({Bytes({0x30, 0x05}), Field("a"), Bytes({0x09, 0x01})}), kMalformed, 5},
      {"property past the property length", k5,
       Cat({Bytes({0x30, 0x09}), Field("a"), Bytes({0x01, 0x02, 0, 0, 0, 0})}), kMalformed, 6},
      {"Payload Format Indicator 2", k5,
       Cat({Bytes({0x30, 0x06}), Field("a"), Bytes({0x02, 0x01, 0x02})}), kProtocol, 6},
      {"Topic Alias 0", k5, Cat({Bytes({0x30, 0x07}), Field("a"), Bytes({0x03, 0x23, 0, 0})}),
       kProtocol, 6},
      {"Response Topic with a wildcard", k5,
       Cat({Bytes({0x30, 0x08}), Field("a"), Bytes({0x04, 0x08}), Field("+")}), kProtocol, 6},
      {"Receive Maximum 0", k5, V5Connect(0x02, Bytes({0x03, 0x21, 0x00, 0x00}), {}), kProtocol,
       13},
      {"Authentication Data without Method", k5,
       V5Connect(0x02, Bytes({0x04, 0x16, 0x00, 0x01, 0xaa}), {}), kProtocol, 12},
      {"Topic Alias in the Will Properties", k5,
       V5Connect(0x06, Bytes({0x00}),
                 Cat({Bytes({0x03, 0x23, 0x00, 0x01}), Field("w"), Field("")})),
       kMalformed, 16},
      {"Subscription Identifier twice in SUBSCRIBE", k5,
       Cat({Bytes({0x82, 0x0b, 0x00, 0x01, 0x04, 0x0b, 0x01, 0x0b, 0x02}), Field("a"),
            Bytes({0x00})}),
       kProtocol, 7},
      {"Subscription Identifier 0", k5,
       Cat({Bytes({0x82, 0x09, 0x00, 0x01, 0x02, 0x0b, 0x00}), Field("a"), Bytes({0x00})}),
       kProtocol, 5},
      // CONNECT (§3.1).
      {"reserved connect flag", k311, V311Connect(0x04, 0x03), kMalformed, 9},
      {"will QoS 3", k311, V311Connect(0x04, 0x1e), kMalformed, 9},
      {"will retain without will", k311, V311Connect(0x04, 0x22), kMalformed, 9},
      {"will QoS without will", k5, V5Connect(0x0a, Bytes({0x00}), {}), kMalformed, 9},
      {"protocol level 3", k311, V311Connect(0x03, 0x02), ReasonCode::kUnsupportedProtocolVersion,
       8},
      {"protocol name MQIsdp", k311,
       Cat({Bytes({0x10, 14}), Field("MQIsdp"), Bytes({0x03, 0x02, 0, 0}), Field("")}),
       ReasonCode::kUnsupportedProtocolVersion, 2},
      {"wildcard in the will topic", k311,
       Cat({Bytes({0x10, 19}), Field("MQTT"), Bytes({0x04, 0x06, 0, 0}), Field(""), Field("a/#"),
            Field("")}),
       ReasonCode::kTopicNameInvalid, 14},
      // CONNACK (§3.2).
      {"reserved acknowledge flags", k311, Bytes({0x20, 0x02, 0x02, 0x00}), kMalformed, 2},
      {"return code 6", k311, Bytes({0x20, 0x02, 0x00, 0x06}), kMalformed, 3},
      {"session present with a refusal", k5, Bytes({0x20, 0x03, 0x01, 0x87, 0x00}), kProtocol, 2},
      {"PUBACK reason code in CONNACK", k5, Bytes({0x20, 0x03, 0x00, 0x10, 0x00}), kMalformed, 3},
      // SUBSCRIBE and UNSUBSCRIBE (§3.8, §3.10).
      {"SUBSCRIBE without filters", k311, Bytes({0x82, 0x02, 0x00, 0x01}), kProtocol, 4},
      {"reserved subscription option bits", k5,
       Cat({Bytes({0x82, 0x07, 0x00, 0x01, 0x00}), Field("a"), Bytes({0x40})}), kMalformed, 8},
      {"subscription QoS 3", k5,
       Cat({Bytes({0x82, 0x07, 0x00, 0x01, 0x00}), Field("a"), Bytes({0x03})}), kMalformed, 8},
      {"Retain Handling 3", k5,
       Cat({Bytes({0x82, 0x07, 0x00, 0x01, 0x00}), Field("a"), Bytes({0x30})}), kProtocol, 8},
      {"No Local on a shared subscription", k5,
       Cat({Bytes({0x82, 0x10, 0x00, 0x01, 0x00}), Field("$share/g/a"), Bytes({0x04})}), kProtocol,
       17},
      {"'#' before the last level", k5,
       Cat({Bytes({0x82, 0x0b, 0x00, 0x01, 0x00}), Field("a/#/b"), Bytes({0x00})}),
       ReasonCode::kTopicFilterInvalid, 5},
      {"'+' sharing a level", k311,
       Cat({Bytes({0x82, 0x07, 0x00, 0x01}), Field("a+"), Bytes({0x00})}),
       ReasonCode::kTopicFilterInvalid, 4},
      {"UNSUBSCRIBE without filters", k5, Bytes({0xa2, 0x03, 0x00, 0x01, 0x00}), kProtocol, 5},
      {"UNSUBSCRIBE with an invalid filter", k311,
       Cat({Bytes({0xa2, 0x06, 0x00, 0x01}), Field("#a")}), ReasonCode::kTopicFilterInvalid, 4},
      {"SUBACK without reason codes", k5, Bytes({0x90, 0x03, 0x00, 0x01, 0x00}), kProtocol, 5},
      // AUTH (§3.15).
      {"DISCONNECT reason code in AUTH", k5, Bytes({0xf0, 0x01, 0x8b}), kMalformed, 2},
  };
  return cases;
}

TEST(MalformedTest, EveryCaseIsRefusedWithItsReasonAndOffset) {
  for (const MalformedCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto decoded = Decode(c.wire, c.version);
    ASSERT_FALSE(decoded);
    const core::Error& e = decoded.error();
    EXPECT_EQ(e.code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(ReasonFor(e), c.reason) << e.message;
    EXPECT_EQ(e.position, c.position) << e.message;
    EXPECT_NE(e.message.find("at byte " + std::to_string(c.position)), std::string::npos)
        << e.message;
  }
}

// The message names the packet and the field.
TEST(MalformedTest, MessageNamesPacketAndField) {
  auto decoded = Decode(Cat({Bytes({0x30, 0x05}), Field("a/+")}), k311);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().message,
            "mqtt: PUBLISH topic name contains a wildcard at byte 2 (0x90 Topic Name invalid)");
}

// v5 §3.1.2.11.4: a packet larger than the maximum is refused from its fixed header alone.
TEST(MalformedTest, PacketTooLargeFromTheHeader) {
  auto header = DecodeFixedHeader(Bytes({0x30, 0xe8, 0x07}), 1000);  // 3 + 1000 bytes
  ASSERT_FALSE(header);
  EXPECT_EQ(ReasonFor(header.error()), ReasonCode::kPacketTooLarge);
  EXPECT_EQ(header.error().position, 1u);
  auto fits = DecodeFixedHeader(Bytes({0x30, 0xe5, 0x07}), 1000);  // 3 + 997 bytes
  ASSERT_TRUE(fits) << fits.error().message;
  ASSERT_TRUE(fits->has_value());
  EXPECT_EQ((*fits)->remaining_length, 997u);
  EXPECT_EQ((*fits)->size, 3);
}

TEST(MalformedTest, FirstByteIsJudgedBeforeTheRemainingLength) {
  for (const auto& first : {Bytes({0x00}), Bytes({0x36}), Bytes({0x62 & 0xf0})}) {
    EXPECT_FALSE(DecodeFixedHeader(first));
  }
  auto waiting = DecodeFixedHeader(Bytes({0x62}));
  ASSERT_TRUE(waiting);
  EXPECT_FALSE(waiting->has_value());
}

TEST(MalformedTest, ForeignErrorsMapToUnspecified) {
  EXPECT_EQ(ReasonFor(core::Error{core::ErrorCode::kInternal, "disk full", std::nullopt}),
            ReasonCode::kUnspecifiedError);
}

}  // namespace
}  // namespace custos::mqtt
