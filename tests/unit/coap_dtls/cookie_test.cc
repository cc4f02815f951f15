// Stateless cookies: nothing is kept for an address until it echoes a cookie made for it.
#include <gtest/gtest.h>

#include "dtls_pair.h"

namespace custos::coap::dtls {
namespace {

using testing::kClientPeer;
using testing::kServerPeer;
using testing::Wire;

constexpr std::uint8_t kHandshakeRecord = 22;
constexpr std::uint8_t kHelloVerifyRequest = 3;
// Record header (13) + handshake header (12) + client_version (2) + random (32).
constexpr std::size_t kSessionIdLengthOffset = 13 + 12 + 2 + 32;

std::vector<std::uint8_t> FirstClientHello(Wire& wire) {
  auto hello =
      wire.client->Connect(kServerPeer, "device-1", testing::Bytes("secret-key-1"), wire.now);
  EXPECT_TRUE(hello.has_value());
  EXPECT_EQ(hello->datagrams.size(), 1u);
  return hello->datagrams.at(0).bytes;
}

// The ClientHello that echoes the cookie, as the client sends it after the request.
std::vector<std::uint8_t> ClientHelloWithCookie(Wire& wire) {
  const Output request = wire.server->Receive(kClientPeer, FirstClientHello(wire), wire.now);
  EXPECT_EQ(request.datagrams.size(), 1u);
  const Output second = wire.client->Receive(kServerPeer, request.datagrams.at(0).bytes, wire.now);
  EXPECT_EQ(second.datagrams.size(), 1u);
  return second.datagrams.at(0).bytes;
}

std::size_t CookieOffset(const std::vector<std::uint8_t>& hello) {
  return kSessionIdLengthOffset + 1 + hello.at(kSessionIdLengthOffset) + 1;
}

TEST(DtlsCookieTest, FirstClientHelloGetsHelloVerifyRequestAndNoSession) {
  Wire wire;
  const Output out = wire.server->Receive(kClientPeer, FirstClientHello(wire), wire.now);

  ASSERT_EQ(out.datagrams.size(), 1u);
  const auto& request = out.datagrams[0];
  EXPECT_EQ(request.peer, kClientPeer);
  ASSERT_GT(request.bytes.size(), 13u);
  EXPECT_EQ(request.bytes[0], kHandshakeRecord);
  EXPECT_EQ(request.bytes[13], kHelloVerifyRequest);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().cookies_sent, 1u);
}

TEST(DtlsCookieTest, EchoedCookieCreatesTheSession) {
  Wire wire;
  const auto hello = ClientHelloWithCookie(wire);
  const Output flight = wire.server->Receive(kClientPeer, hello, wire.now);
  EXPECT_FALSE(flight.datagrams.empty());
  EXPECT_EQ(wire.server->sessions(), 1u);
  // The handshake's retransmission or time-out comes before the next cookie key.
  ASSERT_TRUE(wire.server->NextDeadline().has_value());
  EXPECT_LE(*wire.server->NextDeadline(), wire.now + std::chrono::seconds(30));
}

TEST(DtlsCookieTest, ForgedCookieCreatesNoSession) {
  Wire wire;
  auto hello = ClientHelloWithCookie(wire);
  hello.at(CookieOffset(hello)) ^= 0x01;

  const Output out = wire.server->Receive(kClientPeer, hello, wire.now);
  EXPECT_EQ(wire.server->sessions(), 0u);
  ASSERT_EQ(out.datagrams.size(), 1u);
  EXPECT_EQ(out.datagrams[0].bytes.at(13), kHelloVerifyRequest);
  EXPECT_EQ(wire.server->stats().cookies_sent, 2u);
}

TEST(DtlsCookieTest, CookieIsBoundToTheAddressItWasSentTo) {
  Wire wire;
  const auto hello = ClientHelloWithCookie(wire);
  Peer other_port = kClientPeer;
  other_port.port += 1;
  const Peer other_host = Peer::V4({198, 51, 100, 8}, kClientPeer.port);

  wire.server->Receive(other_port, hello, wire.now);
  wire.server->Receive(other_host, hello, wire.now);
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().cookies_sent, 3u);
}

TEST(DtlsCookieTest, SpoofedClientHelloFloodCostsNoSession) {
  Wire wire;
  const auto hello = FirstClientHello(wire);
  for (int i = 0; i < 2000; ++i) {
    const Peer spoofed =
        Peer::V4({10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                 static_cast<std::uint16_t>(1024 + i));
    const Output out = wire.server->Receive(spoofed, hello, wire.now);
    ASSERT_EQ(out.datagrams.size(), 1u);
  }
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().cookies_sent, 2000u);
}

TEST(DtlsCookieTest, CookieOfThePreviousKeyStillWorksButNotOlder) {
  ServerOptions options = testing::DefaultServerOptions();
  options.cookie_key_lifetime = std::chrono::seconds(60);
  Wire wire(std::move(options));
  const auto hello = ClientHelloWithCookie(wire);  // starts the key clock at wire.now

  wire.server->Tick(wire.now + std::chrono::seconds(60));  // one rotation
  wire.server->Receive(kClientPeer, hello, wire.now + std::chrono::seconds(61));
  EXPECT_EQ(wire.server->sessions(), 1u);

  wire.server->Forget(kClientPeer);
  wire.server->Tick(wire.now + std::chrono::seconds(120));  // a second rotation
  const Output out = wire.server->Receive(kClientPeer, hello, wire.now + std::chrono::seconds(121));
  EXPECT_EQ(wire.server->sessions(), 0u);
  ASSERT_EQ(out.datagrams.size(), 1u);
  EXPECT_EQ(out.datagrams[0].bytes.at(13), kHelloVerifyRequest);
}

TEST(DtlsCookieTest, KeyRotationIsOnTheDeadlineSchedule) {
  ServerOptions options = testing::DefaultServerOptions();
  options.cookie_key_lifetime = std::chrono::seconds(60);
  Wire wire(std::move(options));
  EXPECT_FALSE(wire.server->NextDeadline().has_value());
  wire.server->Tick(wire.now);
  EXPECT_EQ(wire.server->NextDeadline(), wire.now + std::chrono::seconds(60));
}

}  // namespace
}  // namespace custos::coap::dtls
