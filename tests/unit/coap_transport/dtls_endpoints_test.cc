// Two endpoints with DTLS: one the server, the other opening sessions in the client role
// for the requests it sends.
#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using testing::WaitUntil;
using namespace std::chrono_literals;

constexpr std::string_view kIdentity = "custos-client";
constexpr std::string_view kKey = "client-secret";

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

EndpointOptions Options(std::size_t threads, DtlsSettings dtls) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = threads;
  options.transmission.ack_timeout = 200ms;
  dtls.handshake_timeout = 2s;
  options.dtls = std::move(dtls);
  return options;
}

// The server: knows kIdentity, answers "<identity> <path>".
std::unique_ptr<Endpoint> StartServer(std::size_t threads = 1, std::string_view key = kKey) {
  DtlsSettings dtls;
  dtls.psk_lookup = [key = std::string(key)](
                        std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
    if (identity == kIdentity) return Bytes(key);
    return std::nullopt;
  };
  auto started = Endpoint::Start(
      Options(threads, std::move(dtls)), [](IncomingRequest request, Responder responder) {
        Message response;
        response.code = codes::kContent;
        response.payload = Bytes(request.identity + " " + UriPath(request.message.options));
        responder.Respond(std::move(response));
      });
  EXPECT_TRUE(started) << started.error().message;
  return started ? std::move(*started) : nullptr;
}

// The client: presents `identity` and kKey; accepts no sessions of its own.
std::unique_ptr<Endpoint> StartClient(std::size_t threads = 1,
                                      std::string_view identity = kIdentity) {
  DtlsSettings dtls;
  dtls.client_identity = identity;
  dtls.client_key = Bytes(kKey);
  auto started = Endpoint::Start(Options(threads, std::move(dtls)), nullptr);
  EXPECT_TRUE(started) << started.error().message;
  return started ? std::move(*started) : nullptr;
}

using Outcome = std::future<core::Result<Message>>;

Outcome Send(Endpoint& client, std::uint16_t port, std::string_view path) {
  auto promise = std::make_shared<std::promise<core::Result<Message>>>();
  Outcome outcome = promise->get_future();
  client.Request(Peer::V4({127, 0, 0, 1}, port),
                 MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, path), {},
                 [promise](core::Result<Message> result) { promise->set_value(result); });
  return outcome;
}

core::Result<Message> Wait(Outcome& outcome) {
  if (outcome.wait_for(10s) != std::future_status::ready) {
    return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
  }
  return outcome.get();
}

core::Result<Message> Exchange(Endpoint& client, std::uint16_t port, std::string_view path) {
  Outcome outcome = Send(client, port, path);
  return Wait(outcome);
}

TEST(DtlsEndpointsTest, TheClientRoleOpensOneSessionAndKeepsIt) {
  auto server = StartServer(2);
  auto client = StartClient(2);
  ASSERT_TRUE(server && client);
  for (std::string_view path : {"/first", "/second", "/third"}) {
    auto response = Exchange(*client, server->port(), path);
    ASSERT_TRUE(response) << path << ": " << response.error().message;
    EXPECT_EQ(Text(response->payload), "custos-client " + std::string(path));
  }
  EXPECT_EQ(server->stats().dtls_handshakes, 1u);
  EXPECT_EQ(client->stats().dtls_handshakes, 1u);
  EXPECT_EQ(client->stats().dtls_sessions, 1u);
}

TEST(DtlsEndpointsTest, RequestsWaitingForTheHandshakeAllGoOut) {
  auto server = StartServer();
  auto client = StartClient();
  ASSERT_TRUE(server && client);
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 5; ++i) {
    outcomes.push_back(Send(*client, server->port(), "/n" + std::to_string(i)));
  }
  for (int i = 0; i < 5; ++i) {
    auto response = Wait(outcomes[i]);
    ASSERT_TRUE(response) << i << ": " << response.error().message;
    EXPECT_EQ(Text(response->payload), "custos-client /n" + std::to_string(i));
  }
  EXPECT_EQ(server->stats().dtls_handshakes, 1u);
}

TEST(DtlsEndpointsTest, AnUnknownIdentityFailsTheRequest) {
  auto server = StartServer();
  auto client = StartClient(1, "somebody-else");
  ASSERT_TRUE(server && client);
  auto response = Exchange(*client, server->port(), "/x");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("DTLS handshake"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(client->stats().dtls_handshake_failures, 1u);
  EXPECT_EQ(client->stats().dtls_sessions, 0u);
}

TEST(DtlsEndpointsTest, AWrongKeyFailsTheRequestWhenTheHandshakeTimesOut) {
  auto server = StartServer(1, "not-the-client-key");
  auto client = StartClient();
  ASSERT_TRUE(server && client);
  auto response = Exchange(*client, server->port(), "/x");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos)
      << response.error().message;
}

TEST(DtlsEndpointsTest, CloseSessionsOnTheServerMakesTheClientHandshakeAgain) {
  auto server = StartServer(2);
  auto client = StartClient(2);
  ASSERT_TRUE(server && client);
  ASSERT_TRUE(Exchange(*client, server->port(), "/before"));

  server->CloseSessions(kIdentity);
  // The close_notify reaches the client, which drops its session.
  ASSERT_TRUE(WaitUntil([&] { return client->stats().dtls_sessions == 0; }));
  EXPECT_EQ(server->stats().dtls_sessions, 0u);

  auto response = Exchange(*client, server->port(), "/after");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(Text(response->payload), "custos-client /after");
  EXPECT_EQ(server->stats().dtls_handshakes, 2u);
  EXPECT_EQ(client->stats().dtls_handshakes, 2u);
}

TEST(DtlsEndpointsTest, CloseSessionsOnTheClientEndsItsOwnSessions) {
  auto server = StartServer();
  auto client = StartClient();
  ASSERT_TRUE(server && client);
  ASSERT_TRUE(Exchange(*client, server->port(), "/before"));

  client->CloseSessions(kIdentity);
  ASSERT_TRUE(WaitUntil([&] { return server->stats().dtls_sessions == 0; }));
  EXPECT_EQ(client->stats().dtls_sessions, 0u);
  ASSERT_TRUE(Exchange(*client, server->port(), "/after"));
  EXPECT_EQ(server->stats().dtls_handshakes, 2u);
}

}  // namespace
}  // namespace custos::coap
