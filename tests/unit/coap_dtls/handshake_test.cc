// Handshakes between our Client and Server: who gets in, with which identity and suite.
#include <gtest/gtest.h>

#include "dtls_pair.h"

namespace custos::coap::dtls {
namespace {

using testing::Bytes;
using testing::kClientPeer;
using testing::kServerPeer;
using testing::Wire;

TEST(DtlsHandshakeTest, RightKeyEstablishesWithIdentityReported) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");

  ASSERT_EQ(wire.server_events.size(), 1u);
  EXPECT_EQ(wire.server_events[0].kind, EventKind::kEstablished);
  EXPECT_EQ(wire.server_events[0].peer, kClientPeer);
  EXPECT_EQ(wire.server_events[0].identity, "device-1");
  ASSERT_EQ(wire.client_events.size(), 1u);
  EXPECT_EQ(wire.client_events[0].kind, EventKind::kEstablished);
  EXPECT_EQ(wire.client_events[0].peer, kServerPeer);

  EXPECT_EQ(wire.server->sessions(), 1u);
  ASSERT_NE(wire.server->Identity(kClientPeer), nullptr);
  EXPECT_EQ(*wire.server->Identity(kClientPeer), "device-1");
  EXPECT_TRUE(wire.client->Established(kServerPeer));
  EXPECT_EQ(wire.server->stats().handshakes, 1u);
  EXPECT_EQ(wire.server->stats().cookies_sent, 1u);
  EXPECT_EQ(wire.client->stats().handshakes, 1u);
  // Nothing is left to retransmit once both sides are done.
  EXPECT_FALSE(wire.client->NextDeadline().has_value());
}

TEST(DtlsHandshakeTest, DefaultSuiteIsTheLwm2mMandatoryOne) {
  Wire wire;
  wire.Handshake("device-1", "secret-key-1");
  EXPECT_EQ(wire.server->Suite(kClientPeer), CipherSuite::kPskAes128Ccm8);
  EXPECT_EQ(wire.client->Suite(kServerPeer), CipherSuite::kPskAes128Ccm8);
}

class DtlsSuiteTest : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(DtlsSuiteTest, SuiteOfferedAloneIsNegotiated) {
  ClientOptions client_options;
  client_options.cipher_suites = {GetParam()};
  Wire wire(testing::DefaultServerOptions(), client_options);
  wire.Handshake("device-1", "secret-key-1");
  ASSERT_EQ(wire.server->sessions(), 1u);
  EXPECT_EQ(wire.server->Suite(kClientPeer), GetParam());
  EXPECT_EQ(wire.client->Suite(kServerPeer), GetParam());
}

INSTANTIATE_TEST_SUITE_P(AllSuites, DtlsSuiteTest, ::testing::ValuesIn(kAllCipherSuites),
                         [](const auto& info) { return std::string(ToString(info.param)); });

TEST(DtlsHandshakeTest, SuiteTheServerDoesNotAcceptFails) {
  ServerOptions server_options = testing::DefaultServerOptions();
  server_options.cipher_suites = {CipherSuite::kPskAes128Ccm8};
  ClientOptions client_options;
  client_options.cipher_suites = {CipherSuite::kPskAes256Gcm};
  Wire wire(std::move(server_options), client_options);
  wire.Handshake("device-1", "secret-key-1");

  EXPECT_EQ(wire.server->sessions(), 0u);
  ASSERT_EQ(wire.server_events.size(), 1u);
  EXPECT_EQ(wire.server_events[0].kind, EventKind::kHandshakeFailed);
  // The server's alert ends the client's attempt at once.
  EXPECT_EQ(wire.client->sessions(), 0u);
  ASSERT_EQ(wire.client_events.size(), 1u);
  EXPECT_EQ(wire.client_events[0].kind, EventKind::kHandshakeFailed);
}

TEST(DtlsHandshakeTest, UnknownIdentityIsRefused) {
  Wire wire;
  wire.Handshake("device-9", "secret-key-1");

  EXPECT_EQ(wire.server->sessions(), 0u);
  ASSERT_EQ(wire.server_events.size(), 1u);
  EXPECT_EQ(wire.server_events[0].kind, EventKind::kHandshakeFailed);
  EXPECT_EQ(wire.server_events[0].reason, "unknown PSK identity");
  EXPECT_EQ(wire.server_events[0].identity, "device-9");
  EXPECT_EQ(wire.server->Identity(kClientPeer), nullptr);
  EXPECT_EQ(wire.server->stats().handshake_failures, 1u);
  EXPECT_EQ(wire.client->sessions(), 0u);
  ASSERT_EQ(wire.client_events.size(), 1u);
  EXPECT_EQ(wire.client_events[0].kind, EventKind::kHandshakeFailed);
}

TEST(DtlsHandshakeTest, WrongKeyFails) {
  Wire wire;
  wire.Handshake("device-1", "not-the-key");

  EXPECT_EQ(wire.server->Identity(kClientPeer), nullptr);
  EXPECT_FALSE(wire.client->Established(kServerPeer));
  for (const auto& e : wire.server_events) EXPECT_NE(e.kind, EventKind::kEstablished);
  for (const auto& e : wire.client_events) EXPECT_NE(e.kind, EventKind::kEstablished);
  // The server cannot read the client's Finished and drops it, as RFC 6347 §4.1.2.7 asks;
  // the half-open session goes at the handshake time-out, naming the identity and why.
  const Output late = wire.server->Tick(wire.now + std::chrono::seconds(30));
  ASSERT_EQ(late.events.size(), 1u);
  EXPECT_EQ(late.events[0].kind, EventKind::kHandshakeFailed);
  EXPECT_EQ(late.events[0].identity, "device-1");
  EXPECT_NE(late.events[0].reason.find("wrong key"), std::string::npos) << late.events[0].reason;
  wire.client->Tick(wire.now + std::chrono::seconds(30));
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.client->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().handshake_failures, 1u);
  EXPECT_EQ(wire.server->stats().handshakes, 0u);
}

TEST(DtlsHandshakeTest, LookupThatThrowsRefusesTheHandshake) {
  ServerOptions options;
  options.psk_lookup = [](std::string_view) -> std::optional<std::vector<std::uint8_t>> {
    throw std::runtime_error("store down");
  };
  Wire wire(std::move(options));
  wire.Handshake("device-1", "secret-key-1");
  EXPECT_EQ(wire.server->sessions(), 0u);
  EXPECT_EQ(wire.server->stats().handshake_failures, 1u);
  ASSERT_EQ(wire.server_events.size(), 1u);
  EXPECT_EQ(wire.server_events[0].reason, "PSK lookup failed");
}

TEST(DtlsHandshakeTest, EmptyKeyFromTheLookupRefusesTheIdentity) {
  ServerOptions options;
  options.psk_lookup = testing::Lookup({{"device-1", {}}});
  Wire wire(std::move(options));
  wire.Handshake("device-1", "secret-key-1");
  EXPECT_EQ(wire.server->sessions(), 0u);
  ASSERT_EQ(wire.server_events.size(), 1u);
  EXPECT_EQ(wire.server_events[0].reason, "unknown PSK identity");
}

TEST(DtlsHandshakeTest, CreateRefusesBadOptions) {
  EXPECT_EQ(Server::Create(ServerOptions{}).error().code, core::ErrorCode::kInvalidArgument);
  ServerOptions small_mtu = testing::DefaultServerOptions();
  small_mtu.mtu = 100;
  EXPECT_EQ(Server::Create(small_mtu).error().code, core::ErrorCode::kInvalidArgument);
  ClientOptions no_sessions;
  no_sessions.max_sessions = 0;
  EXPECT_EQ(Client::Create(no_sessions).error().code, core::ErrorCode::kInvalidArgument);
}

TEST(DtlsHandshakeTest, ConnectRefusesEmptyCredentialsAndSecondSession) {
  Wire wire;
  const auto key = Bytes("k");
  EXPECT_EQ(wire.client->Connect(kServerPeer, "", key, wire.now).error().code,
            core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(wire.client->Connect(kServerPeer, "id", {}, wire.now).error().code,
            core::ErrorCode::kInvalidArgument);
  ASSERT_TRUE(wire.client->Connect(kServerPeer, "id", key, wire.now).has_value());
  EXPECT_EQ(wire.client->Connect(kServerPeer, "id", key, wire.now).error().code,
            core::ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace custos::coap::dtls
