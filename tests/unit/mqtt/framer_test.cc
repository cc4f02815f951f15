// The stream framer: bytes in as they come, whole packets out, refusals final.
#include <gtest/gtest.h>

#include <random>

#include "mqtt/mqtt.h"
#include "test_bytes.h"

namespace custos::mqtt {
namespace {

using testing::Bytes;
using testing::Cat;
using testing::Text;

// What a v5 client sends: CONNECT, SUBSCRIBE, PUBLISH at QoS 1, PUBREL, PINGREQ, DISCONNECT.
std::vector<Packet> ClientPackets(Version version) {
  Connect connect;
  connect.version = version;
  connect.client_id = "dev-1";
  connect.keep_alive = 30;
  if (version == Version::kV5) connect.properties.SetSessionExpiryInterval(60);
  Subscribe subscribe{1, {{"cmd/dev-1/#", QoS::kAtLeastOnce}}, {}};
  Publish publish;
  publish.qos = QoS::kAtLeastOnce;
  publish.packet_id = 2;
  publish.topic = "state/dev-1";
  publish.payload = std::vector<std::uint8_t>(300, 0x5a);  // a two-byte remaining length
  return {connect,   subscribe,   publish, Pubrel{3, ReasonCode::kSuccess, {}},
          Pingreq{}, Disconnect{}};
}

std::vector<std::uint8_t> Stream(const std::vector<Packet>& packets, Version version) {
  std::vector<std::uint8_t> bytes;
  for (const Packet& p : packets) EncodeTo(p, version, bytes);
  return bytes;
}

// Takes every packet Next has ready; fails the test on a refusal.
void Drain(Framer& framer, std::vector<Packet>& out) {
  while (true) {
    auto next = framer.Next();
    ASSERT_TRUE(next) << next.error().message;
    if (!*next) return;
    out.push_back(std::move(**next));
  }
}

TEST(FramerTest, OneByteAtATime) {
  for (Version version : {Version::kV311, Version::kV5}) {
    const auto packets = ClientPackets(version);
    const auto bytes = Stream(packets, version);
    Framer framer = Framer::ForServer();
    std::vector<Packet> out;
    for (std::uint8_t b : bytes) {
      framer.Feed(std::span(&b, 1));
      Drain(framer, out);
    }
    EXPECT_EQ(out, packets);
    EXPECT_EQ(framer.version(), version);
    EXPECT_EQ(framer.buffered(), 0u);
  }
}

TEST(FramerTest, AllAtOnceAndInRandomPieces) {
  const auto packets = ClientPackets(Version::kV5);
  const auto bytes = Stream(packets, Version::kV5);
  {
    Framer framer = Framer::ForServer();
    framer.Feed(bytes);
    std::vector<Packet> out;
    Drain(framer, out);
    EXPECT_EQ(out, packets);
  }
  std::mt19937 rng(1883);
  for (int round = 0; round < 200; ++round) {
    Framer framer = Framer::ForServer();
    std::vector<Packet> out;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t n =
          std::min<std::size_t>(bytes.size() - at, std::uniform_int_distribution<>(1, 40)(rng));
      framer.Feed(std::span(bytes).subspan(at, n));
      at += n;
      Drain(framer, out);
    }
    ASSERT_EQ(out, packets) << round;
  }
}

TEST(FramerTest, PartialHeaderWaits) {
  Framer framer = Framer::ForServer();
  framer.Feed(Bytes({0x10}));
  auto next = framer.Next();
  ASSERT_TRUE(next);
  EXPECT_FALSE(*next);
  EXPECT_EQ(framer.buffered(), 1u);
  EXPECT_FALSE(framer.version());
}

// The version CONNECT fixes decodes every later packet: a v5 PUBACK with a reason code is
// three bytes too many for 3.1.1.
TEST(FramerTest, VersionFixedByConnect) {
  const auto puback = Bytes({0x40, 0x03, 0x00, 0x01, 0x10});
  {
    Framer framer = Framer::ForServer();
    framer.Feed(Cat({Encode(ClientPackets(Version::kV5)[0], Version::kV5), puback}));
    std::vector<Packet> out;
    Drain(framer, out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(std::get<Puback>(out[1]).reason_code, ReasonCode::kNoMatchingSubscribers);
  }
  Framer framer = Framer::ForServer();
  framer.Feed(Cat({Encode(ClientPackets(Version::kV311)[0], Version::kV311), puback}));
  EXPECT_TRUE(framer.Next().value().has_value());
  auto refused = framer.Next();
  ASSERT_FALSE(refused);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kMalformedPacket);
}

// v5 §3.1.2.11.4: refused from the fixed header alone, nothing of the body kept.
TEST(FramerTest, OversizedPacketRefusedFromItsHeader) {
  Framer framer = Framer::ForServer(100);
  framer.Feed(Encode(ClientPackets(Version::kV5)[0], Version::kV5));
  framer.Feed(Bytes({0x30, 0xe8, 0x07}));  // PUBLISH of 3 + 1000 bytes
  EXPECT_TRUE(framer.failed());
  EXPECT_EQ(framer.buffered(), 0u);
  framer.Feed(std::vector<std::uint8_t>(1000, 0));
  EXPECT_EQ(framer.buffered(), 0u);
  ASSERT_TRUE(framer.Next().value().has_value());  // the CONNECT before it
  auto refused = framer.Next();
  ASSERT_FALSE(refused);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kPacketTooLarge);
}

TEST(FramerTest, RefusalIsFinalAndComesAfterEarlierPackets) {
  Framer framer = Framer::ForServer();
  framer.Feed(Cat({Encode(ClientPackets(Version::kV5)[0], Version::kV5), Bytes({0xc0, 0x00}),
                   Bytes({0x36}), Bytes({0xc0, 0x00})}));
  EXPECT_TRUE(framer.failed());
  std::vector<Packet> out;
  for (int i = 0; i < 2; ++i) {
    auto next = framer.Next();
    ASSERT_TRUE(next && *next);
    out.push_back(**next);
  }
  EXPECT_EQ(TypeOf(out[1]), PacketType::kPingreq);
  for (int i = 0; i < 3; ++i) {
    auto refused = framer.Next();
    ASSERT_FALSE(refused);
    EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kMalformedPacket);
  }
  framer.Feed(Bytes({0xc0, 0x00}));
  EXPECT_FALSE(framer.Next());
}

TEST(FramerTest, ServerRules) {
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
  };
  const auto connect = Encode(ClientPackets(Version::kV5)[0], Version::kV5);
  const Case cases[] = {
      {"PINGREQ before CONNECT", Bytes({0xc0})},
      {"second CONNECT", Cat({connect, connect})},
      {"SUBACK from a client", Cat({connect, Bytes({0x90, 0x03, 0x00, 0x01, 0x00})})},
      {"CONNACK from a client", Cat({connect, Bytes({0x20, 0x03, 0x00, 0x00, 0x00})})},
      {"Subscription Identifier from a client",
       Cat({connect, Bytes({0x30, 0x06, 0x00, 0x01, 't', 0x02, 0x0b, 0x01})})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Framer framer = Framer::ForServer();
    framer.Feed(c.bytes);
    ASSERT_TRUE(framer.failed());
    auto next = framer.Next();
    while (next && *next) next = framer.Next();
    ASSERT_FALSE(next);
    EXPECT_EQ(ReasonFor(next.error()), ReasonCode::kProtocolError);
  }
}

TEST(FramerTest, ClientSide) {
  Framer framer = Framer::ForClient(Version::kV5);
  framer.Feed(Cat({Encode(Connack{}, Version::kV5),
                   Encode(Suback{1, {ReasonCode::kGrantedQos1}, {}}, Version::kV5)}));
  std::vector<Packet> out;
  Drain(framer, out);
  EXPECT_EQ(out.size(), 2u);
  framer.Feed(Bytes({0xc0, 0x00}));  // PINGREQ: only clients send it
  auto refused = framer.Next();
  ASSERT_FALSE(refused);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kProtocolError);
}

// A refused CONNECT still tells the server which version to answer in, when it says.
TEST(FramerTest, VersionOfARefusedConnect) {
  Framer v5 = Framer::ForServer();
  v5.Feed(Cat({Bytes({0x10, 13}), testing::Field("MQTT"), Bytes({0x05, 0x03, 0x00, 0x00, 0x00}),
               testing::Field("")}));  // reserved flag set
  EXPECT_EQ(v5.version(), Version::kV5);
  auto refused = v5.Next();
  ASSERT_FALSE(refused);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kMalformedPacket);

  Framer level3 = Framer::ForServer();
  level3.Feed(Cat({Bytes({0x10, 14}), testing::Field("MQIsdp"), Bytes({0x03, 0x02, 0x00, 0x00}),
                   testing::Field("")}));
  EXPECT_FALSE(level3.version());
  refused = level3.Next();
  ASSERT_FALSE(refused);
  EXPECT_EQ(ReasonFor(refused.error()), ReasonCode::kUnsupportedProtocolVersion);
  EXPECT_EQ(ToConnectReturnCode(ReasonFor(refused.error())),
            ConnectReturnCode::kUnacceptableProtocolVersion);
}

TEST(FramerTest, ZeroLengthBodyAcrossFeeds) {
  Framer framer = Framer::ForServer();
  framer.Feed(Encode(ClientPackets(Version::kV311)[0], Version::kV311));
  framer.Feed(Bytes({0xc0}));
  framer.Feed(Bytes({0x00}));
  std::vector<Packet> out;
  Drain(framer, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], Packet(Pingreq{}));
}

}  // namespace
}  // namespace custos::mqtt
