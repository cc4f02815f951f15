// What the server does with datagrams it cannot use: drop them, count them, keep going.
#include <gtest/gtest.h>

#include <random>

#include "dtls_pair.h"

namespace custos::coap::dtls {
namespace {

using testing::Bytes;
using testing::kClientPeer;
using testing::kServerPeer;
using testing::Wire;

std::vector<std::uint8_t> Header(std::uint8_t type, std::uint16_t epoch, std::uint16_t length) {
  return {type,
          254,
          253,
          static_cast<std::uint8_t>(epoch >> 8),
          static_cast<std::uint8_t>(epoch),
          0,
          0,
          0,
          0,
          0,
          1,
          static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length)};
}

std::vector<std::vector<std::uint8_t>> Garbage() {
  std::vector<std::vector<std::uint8_t>> datagrams;
  datagrams.push_back({});
  datagrams.push_back(Bytes("GET /.well-known/core"));
  datagrams.push_back({0x40, 0x01, 0x12, 0x34});  // plain CoAP
  datagrams.push_back(Header(22, 0, 0));          // a header and nothing else
  auto truncated = Header(22, 0, 200);            // a length past the end
  truncated.resize(60, 0);
  datagrams.push_back(truncated);
  auto server_hello = Header(22, 0, 60);  // a handshake that is not a ClientHello
  server_hello.resize(13 + 60, 0);
  server_hello[13] = 2;
  datagrams.push_back(server_hello);
  auto app_data = Header(23, 1, 30);  // application data from nobody
  app_data.resize(13 + 30, 0x55);
  datagrams.push_back(app_data);
  std::mt19937 random(7);
  for (int i = 0; i < 50; ++i) {
    std::vector<std::uint8_t> noise(1 + random() % 300);
    for (auto& byte : noise) byte = static_cast<std::uint8_t>(random());
    noise[0] = (i % 2 == 0) ? 22 : noise[0];
    datagrams.push_back(noise);
  }
  return datagrams;
}

TEST(DtlsRobustnessTest, GarbageFromStrangersIsDroppedAndCounted) {
  Wire wire;
  const auto garbage = Garbage();
  for (const auto& datagram : garbage) {
    const Output out = wire.server->Receive(kClientPeer, datagram, wire.now);
    EXPECT_TRUE(out.empty());
  }
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().records_dropped, garbage.size());
  EXPECT_EQ(wire.server->stats().cookies_sent, 0u);
}

TEST(DtlsRobustnessTest, GarbageIntoAnEstablishedSessionLeavesItWorking) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  for (const auto& datagram : Garbage()) {
    const Output out = wire.server->Receive(kClientPeer, datagram, wire.now);
    EXPECT_TRUE(out.plaintexts.empty());
    EXPECT_TRUE(out.events.empty());
  }
  EXPECT_GT(wire.server->stats().records_dropped, 0u);
  auto record = wire.client->Seal(kServerPeer, Bytes("still here"));
  ASSERT_TRUE(record.has_value());
  const Output out = wire.server->Receive(kClientPeer, *record, wire.now);
  ASSERT_EQ(out.plaintexts.size(), 1u);
  EXPECT_EQ(out.plaintexts[0].bytes, Bytes("still here"));
}

TEST(DtlsRobustnessTest, TamperedRecordIsDroppedAndCounted) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  auto record = wire.client->Seal(kServerPeer, Bytes("pay 10 EUR"));
  ASSERT_TRUE(record.has_value());
  auto tampered = *record;
  tampered.back() ^= 0x80;
  const auto before = wire.server->stats().records_dropped;

  const Output out = wire.server->Receive(kClientPeer, tampered, wire.now);
  EXPECT_TRUE(out.plaintexts.empty());
  EXPECT_EQ(wire.server->stats().records_dropped, before + 1);
  EXPECT_EQ(wire.server->sessions(), 1u);
  // The genuine record still gets through afterwards.
  EXPECT_EQ(wire.server->Receive(kClientPeer, *record, wire.now).plaintexts.size(), 1u);
}

TEST(DtlsRobustnessTest, ForgedFragmentsDoNotCostTheNextGenuineRecord) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  auto cut = Header(23, 1, 40);  // promises 40 bytes and carries 3
  cut.resize(16, 0);
  auto trailing = *wire.client->Seal(kServerPeer, Bytes("decoy"));
  trailing.push_back(0x17);  // a whole record and one stray byte
  const std::vector<std::vector<std::uint8_t>> forged = {{0xce}, Header(23, 1, 0), cut, trailing};
  for (const auto& datagram : forged) {
    const auto dropped = wire.server->stats().records_dropped;
    EXPECT_TRUE(wire.server->Receive(kClientPeer, datagram, wire.now).plaintexts.empty());
    EXPECT_GT(wire.server->stats().records_dropped, dropped);

    auto record = wire.client->Seal(kServerPeer, Bytes("genuine"));
    ASSERT_TRUE(record.has_value());
    const Output out = wire.server->Receive(kClientPeer, *record, wire.now);
    ASSERT_EQ(out.plaintexts.size(), 1u);
    EXPECT_EQ(out.plaintexts[0].bytes, Bytes("genuine"));
  }
}

TEST(DtlsRobustnessTest, DatagramLargerThanAnyRecordBufferIsDroppedWhole) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  std::vector<std::uint8_t> huge;
  for (int i = 0; i < 4; ++i) {
    auto record = Header(23, 1, 16'000);
    record.resize(13 + 16'000, 0x33);
    huge.insert(huge.end(), record.begin(), record.end());
  }
  const auto dropped = wire.server->stats().records_dropped;
  EXPECT_TRUE(wire.server->Receive(kClientPeer, huge, wire.now).plaintexts.empty());
  EXPECT_GT(wire.server->stats().records_dropped, dropped);

  auto record = wire.client->Seal(kServerPeer, Bytes("genuine"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(wire.server->Receive(kClientPeer, *record, wire.now).plaintexts.size(), 1u);
}

TEST(DtlsRobustnessTest, ReplayedRecordIsDroppedAndCounted) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  auto record = wire.client->Seal(kServerPeer, Bytes("reboot"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(wire.server->Receive(kClientPeer, *record, wire.now).plaintexts.size(), 1u);
  const auto before = wire.server->stats().records_dropped;
  EXPECT_TRUE(wire.server->Receive(kClientPeer, *record, wire.now).plaintexts.empty());
  EXPECT_EQ(wire.server->stats().records_dropped, before + 1);
}

TEST(DtlsRobustnessTest, ReplayedClientHelloDoesNotTearDownTheSession) {
  Wire wire;
  auto first = wire.client->Connect(kServerPeer, "device-1", Bytes("secret-key-1"), wire.now);
  ASSERT_TRUE(first.has_value());
  // Record the ClientHello with the cookie as it crosses, then finish the handshake.
  const Output request = wire.server->Receive(kClientPeer, first->datagrams.at(0).bytes, wire.now);
  Output second = wire.client->Receive(kServerPeer, request.datagrams.at(0).bytes, wire.now);
  const auto hello_with_cookie = second.datagrams.at(0).bytes;
  wire.Exchange(std::move(second));
  ASSERT_EQ(wire.server->sessions(), 1u);
  ASSERT_NE(wire.server->Identity(kClientPeer), nullptr);

  const Output out = wire.server->Receive(kClientPeer, hello_with_cookie, wire.now);
  EXPECT_TRUE(out.events.empty());
  ASSERT_NE(wire.server->Identity(kClientPeer), nullptr);
}

TEST(DtlsRobustnessTest, NewHandshakeFromTheSameAddressReplacesTheSession) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  // The device rebooted: a fresh client from the same address and port.
  auto rebooted = Client::Create();
  ASSERT_TRUE(rebooted.has_value());
  wire.client = std::move(*rebooted);
  wire.server_events.clear();
  wire.Handshake("device-1", "secret-key-1");

  ASSERT_EQ(wire.server_events.size(), 2u);
  EXPECT_EQ(wire.server_events[0].kind, EventKind::kClosed);
  EXPECT_EQ(wire.server_events[0].reason, "replaced by a new handshake");
  EXPECT_EQ(wire.server_events[1].kind, EventKind::kEstablished);
  EXPECT_EQ(wire.server->sessions(), 1u);
  EXPECT_EQ(wire.server->stats().handshakes, 2u);
}

TEST(DtlsRobustnessTest, SessionsBeyondTheBoundAreRefused) {
  ServerOptions options = testing::DefaultServerOptions();
  options.max_sessions = 1;
  Wire wire(std::move(options));
  wire.Handshake("device-1", "secret-key-1");
  ASSERT_EQ(wire.server->sessions(), 1u);

  auto second = Client::Create();
  ASSERT_TRUE(second.has_value());
  wire.client = std::move(*second);
  const Peer other = Peer::V4({198, 51, 100, 8}, 40002);
  wire.Handshake("device-2", "k2", other);

  EXPECT_EQ(wire.server->sessions(), 1u);
  EXPECT_EQ(wire.server->Identity(other), nullptr);
  EXPECT_EQ(wire.server->stats().sessions_refused, 1u);
  EXPECT_FALSE(wire.client->Established(kServerPeer));
}

}  // namespace
}  // namespace custos::coap::dtls
