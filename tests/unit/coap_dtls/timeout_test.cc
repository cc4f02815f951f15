// Handshake time-outs and retransmission deadlines, on the caller's clock.
#include <gtest/gtest.h>

#include "dtls_pair.h"

namespace custos::coap::dtls {
namespace {

using std::chrono::seconds;
using testing::Bytes;
using testing::kClientPeer;
using testing::kServerPeer;
using testing::Wire;

// Runs the cookie exchange so that the server holds a half-open session, and loses the
// server's flight on the way back.
void HalfOpen(Wire& wire) {
  auto first = wire.client->Connect(kServerPeer, "device-1", Bytes("secret-key-1"), wire.now);
  ASSERT_TRUE(first.has_value());
  const Output request = wire.server->Receive(kClientPeer, first->datagrams.at(0).bytes, wire.now);
  const Output second = wire.client->Receive(kServerPeer, request.datagrams.at(0).bytes, wire.now);
  const Output lost = wire.server->Receive(kClientPeer, second.datagrams.at(0).bytes, wire.now);
  ASSERT_FALSE(lost.datagrams.empty());
  ASSERT_EQ(wire.server->sessions(), 1u);
}

TEST(DtlsTimeoutTest, HalfOpenHandshakeIsFreedAtTheTimeout) {
  Wire wire;
  HalfOpen(wire);
  ASSERT_TRUE(wire.server->NextDeadline().has_value());
  EXPECT_LE(*wire.server->NextDeadline(), wire.now + seconds(30));

  Output before = wire.server->Tick(wire.now + seconds(29));
  EXPECT_TRUE(before.events.empty());
  EXPECT_EQ(wire.server->sessions(), 1u);

  const Output at = wire.server->Tick(wire.now + seconds(30));
  ASSERT_EQ(at.events.size(), 1u);
  EXPECT_EQ(at.events[0].kind, EventKind::kHandshakeFailed);
  EXPECT_EQ(at.events[0].peer, kClientPeer);
  EXPECT_EQ(at.events[0].reason, "handshake timed out");
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().handshake_timeouts, 1u);
  EXPECT_EQ(wire.server->stats().handshake_failures, 1u);
}

TEST(DtlsTimeoutTest, ConfiguredTimeoutIsUsed) {
  ServerOptions options = testing::DefaultServerOptions();
  options.handshake_timeout = std::chrono::milliseconds(5'000);
  Wire wire(std::move(options));
  HalfOpen(wire);
  wire.server->Tick(wire.now + std::chrono::milliseconds(4'999));
  EXPECT_EQ(wire.server->sessions(), 1u);
  wire.server->Tick(wire.now + std::chrono::milliseconds(5'000));
  EXPECT_EQ(wire.server->sessions(), 0u);
}

TEST(DtlsTimeoutTest, ClientHandshakeTimesOutWhenNobodyAnswers) {
  Wire wire;
  ASSERT_TRUE(wire.client->Connect(kServerPeer, "device-1", Bytes("k"), wire.now).has_value());
  ASSERT_TRUE(wire.client->NextDeadline().has_value());
  // The first retransmission is due after the retransmission time-out, not the handshake's.
  EXPECT_LE(*wire.client->NextDeadline(), wire.now + seconds(1));

  const Output out = wire.client->Tick(wire.now + seconds(30));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, EventKind::kHandshakeFailed);
  EXPECT_EQ(wire.client->sessions(), 0u);
  EXPECT_FALSE(wire.client->NextDeadline().has_value());
}

TEST(DtlsTimeoutTest, EstablishedSessionsHaveNoDeadline) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  ASSERT_EQ(wire.server->sessions(), 1u);
  // Only the cookie key rotation is left on the server's schedule.
  ASSERT_TRUE(wire.server->NextDeadline().has_value());
  EXPECT_EQ(*wire.server->NextDeadline(), wire.now + seconds(3'600));
  wire.server->Tick(wire.now + seconds(600));
  EXPECT_EQ(wire.server->sessions(), 1u);
}

}  // namespace
}  // namespace custos::coap::dtls
