// Application data and the end of sessions: Seal, Receive, close_notify, Forget.
#include <gtest/gtest.h>

#include "dtls_pair.h"

namespace custos::coap::dtls {
namespace {

using testing::Bytes;
using testing::kClientPeer;
using testing::kServerPeer;
using testing::Wire;

class DtlsDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wire_.Handshake("device-1", "secret-key-1");
    ASSERT_TRUE(wire_.client->Established(kServerPeer));
    ASSERT_EQ(wire_.server->sessions(), 1u);
  }

  Output ToServer(std::string_view text) {
    auto record = wire_.client->Seal(kServerPeer, Bytes(text));
    EXPECT_TRUE(record.has_value()) << record.error().message;
    return wire_.server->Receive(kClientPeer, *record, wire_.now);
  }

  Wire wire_;
};

TEST_F(DtlsDataTest, ClientToServerArrivesInOrderAsOnePlaintextPerRecord) {
  for (const char* text : {"first", "second", "third"}) {
    const Output out = ToServer(text);
    ASSERT_EQ(out.plaintexts.size(), 1u);
    EXPECT_EQ(out.plaintexts[0].peer, kClientPeer);
    EXPECT_EQ(out.plaintexts[0].bytes, Bytes(text));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_TRUE(out.events.empty());
  }
}

TEST_F(DtlsDataTest, ServerToClient) {
  auto record = wire_.server->Seal(kClientPeer, Bytes("2.05 content"));
  ASSERT_TRUE(record.has_value()) << record.error().message;
  const Output out = wire_.client->Receive(kServerPeer, *record, wire_.now);
  ASSERT_EQ(out.plaintexts.size(), 1u);
  EXPECT_EQ(out.plaintexts[0].peer, kServerPeer);
  EXPECT_EQ(out.plaintexts[0].bytes, Bytes("2.05 content"));
}

TEST_F(DtlsDataTest, SealedRecordIsCiphertext) {
  const auto plaintext = Bytes("a CoAP message that must not be readable");
  auto record = wire_.server->Seal(kClientPeer, plaintext);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->at(0), 23);  // application_data
  EXPECT_EQ(std::search(record->begin(), record->end(), plaintext.begin(), plaintext.end()),
            record->end());
}

TEST_F(DtlsDataTest, SealRefusals) {
  const Peer stranger = Peer::V4({203, 0, 113, 1}, 9);
  EXPECT_EQ(wire_.server->Seal(stranger, Bytes("x")).error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(wire_.server->Seal(kClientPeer, {}).error().code, core::ErrorCode::kInvalidArgument);

  // The data MTU of a 1280-byte datagram with CCM_8: 13 header, 8 nonce, 8 tag bytes.
  const std::vector<std::uint8_t> largest(1280 - 13 - 8 - 8, 0x42);
  auto record = wire_.server->Seal(kClientPeer, largest);
  ASSERT_TRUE(record.has_value()) << record.error().message;
  EXPECT_EQ(record->size(), 1280u);
  std::vector<std::uint8_t> too_large(largest.size() + 1, 0x42);
  EXPECT_EQ(wire_.server->Seal(kClientPeer, too_large).error().code,
            core::ErrorCode::kPayloadTooLarge);
}

TEST_F(DtlsDataTest, SealWhileHandshakingIsRefused) {
  const Peer other = Peer::V4({192, 0, 2, 99}, 5684);
  ASSERT_TRUE(wire_.client->Connect(other, "device-1", Bytes("k"), wire_.now).has_value());
  EXPECT_EQ(wire_.client->Seal(other, Bytes("x")).error().code,
            core::ErrorCode::kFailedPrecondition);
}

TEST_F(DtlsDataTest, ServerCloseSendsCloseNotifyAndClientSeesClosed) {
  const Output bye = wire_.server->Close(kClientPeer);
  ASSERT_EQ(bye.datagrams.size(), 1u);
  EXPECT_EQ(bye.datagrams[0].bytes.at(0), 21);  // alert
  EXPECT_TRUE(bye.events.empty());
  EXPECT_EQ(wire_.server->sessions(), 0u);
  EXPECT_EQ(wire_.server->Seal(kClientPeer, Bytes("x")).error().code, core::ErrorCode::kNotFound);

  const Output out = wire_.client->Receive(kServerPeer, bye.datagrams[0].bytes, wire_.now);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, EventKind::kClosed);
  EXPECT_EQ(out.events[0].reason, "close_notify from the peer");
  EXPECT_EQ(wire_.client->sessions(), 0u);
  EXPECT_EQ(wire_.client->stats().sessions_closed, 1u);
}

TEST_F(DtlsDataTest, ClientCloseEndsTheServerSessionWithItsIdentity) {
  const Output bye = wire_.client->Close(kServerPeer);
  ASSERT_EQ(bye.datagrams.size(), 1u);
  const Output out = wire_.server->Receive(kClientPeer, bye.datagrams[0].bytes, wire_.now);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, EventKind::kClosed);
  EXPECT_EQ(out.events[0].identity, "device-1");
  EXPECT_EQ(wire_.server->sessions(), 0u);
  EXPECT_EQ(wire_.server->Identity(kClientPeer), nullptr);
}

TEST_F(DtlsDataTest, ForgottenSessionDropsItsRecords) {
  auto record = wire_.client->Seal(kServerPeer, Bytes("late"));
  ASSERT_TRUE(record.has_value());
  wire_.server->Forget(kClientPeer);
  EXPECT_EQ(wire_.server->sessions(), 0u);
  const auto dropped = wire_.server->stats().records_dropped;
  const Output out = wire_.server->Receive(kClientPeer, *record, wire_.now);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(wire_.server->stats().records_dropped, dropped + 1);
}

TEST_F(DtlsDataTest, ClientCanReconnectAfterClose) {
  wire_.Exchange(wire_.client->Close(kServerPeer));
  EXPECT_EQ(wire_.server->sessions(), 0u);
  wire_.Handshake("device-2", "k2");
  ASSERT_NE(wire_.server->Identity(kClientPeer), nullptr);
  EXPECT_EQ(*wire_.server->Identity(kClientPeer), "device-2");
}

}  // namespace
}  // namespace custos::coap::dtls
