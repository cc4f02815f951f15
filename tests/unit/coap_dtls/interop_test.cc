// Interoperability with an independent peer: libcoap's command-line tools (Debian's
// libcoap3-bin), in their GnuTLS and OpenSSL builds, against our Server and our Client on
// real UDP sockets on 127.0.0.1.
#include <gtest/gtest.h>

#include "coap/coap.h"
#include "coap/dtls/dtls.h"
#include "dtls_pair.h"
#include "interop_support.h"

namespace custos::coap::dtls {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Bytes;
using testing::ChildProcess;
using testing::HaveTool;
using testing::PollTimeout;
using testing::UdpSocket;

constexpr auto kRunLimit = std::chrono::seconds(20);
constexpr std::string_view kIdentity = "custos-interop";
constexpr std::string_view kKey = "interop-secret-42";
constexpr std::string_view kAnswer = "hello from custos";

// Our Server on a socket, answering every CON request with a piggybacked 2.05 carrying
// kAnswer, while a libcoap client runs against it.
struct ServerRun {
  std::string client_output;
  std::vector<Event> events;
  std::vector<Message> requests;
};

ServerRun RunClientAgainstServer(const std::string& tool, std::string_view identity) {
  ServerRun run;
  auto socket = UdpSocket::Bind();
  EXPECT_NE(socket, nullptr);
  if (!socket) return run;
  ServerOptions options;
  options.psk_lookup = testing::Lookup({{std::string(kIdentity), Bytes(kKey)}});
  auto server = Server::Create(std::move(options));
  EXPECT_TRUE(server.has_value());
  if (!server) return run;

  const std::string uri = "coaps://127.0.0.1:" + std::to_string(socket->port()) + "/x";
  auto child = ChildProcess::Spawn(
      {tool, "-m", "get", "-B", "10", "-u", std::string(identity), "-k", std::string(kKey), uri});
  EXPECT_NE(child, nullptr);
  if (!child) return run;

  auto handle = [&](Output out) {
    for (const auto& datagram : out.datagrams) socket->Send(datagram.peer, datagram.bytes);
    for (auto& event : out.events) run.events.push_back(std::move(event));
    for (const auto& plaintext : out.plaintexts) {
      auto request = Decode(plaintext.bytes);
      if (!request || request->type != Type::kConfirmable) continue;
      run.requests.push_back(*request);
      Message response;
      response.type = Type::kAcknowledgement;
      response.code = codes::kContent;
      response.message_id = request->message_id;
      response.token = request->token;
      response.payload = Bytes(kAnswer);
      auto record = (*server)->Seal(plaintext.peer, Encode(response));
      EXPECT_TRUE(record.has_value()) << record.error().message;
      if (record) socket->Send(plaintext.peer, *record);
    }
  };

  const auto give_up = Clock::now() + kRunLimit;
  while (Clock::now() < give_up) {
    pollfd fds[2] = {{socket->fd(), POLLIN, 0}, {child->output_fd(), POLLIN, 0}};
    auto next = (*server)->NextDeadline();
    (void)poll(
        fds, 2,
        PollTimeout(next ? std::min(*next, give_up) : give_up, std::chrono::milliseconds(200)));
    while (auto datagram = socket->Receive()) {
      handle((*server)->Receive(datagram->first, datagram->second, Clock::now()));
    }
    next = (*server)->NextDeadline();
    if (next && *next <= Clock::now()) handle((*server)->Tick(Clock::now()));
    child->ReadOutput();
    if (child->Exited()) break;
  }
  child->ReadOutput();
  EXPECT_TRUE(child->Exited()) << tool << " still running after " << kRunLimit.count() << " s";
  run.client_output = child->output();
  return run;
}

class CoapClientInteropTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!HaveTool(GetParam())) GTEST_SKIP() << GetParam() << " is not installed (libcoap3-bin)";
  }
};

TEST_P(CoapClientInteropTest, ClientGetsOurAnswerOverDtls) {
  const ServerRun run = RunClientAgainstServer(GetParam(), kIdentity);

  EXPECT_NE(run.client_output.find(kAnswer), std::string::npos) << run.client_output;
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events[0].kind, EventKind::kEstablished);
  EXPECT_EQ(run.events[0].identity, kIdentity);
  ASSERT_EQ(run.requests.size(), 1u);
  EXPECT_EQ(run.requests[0].code, codes::kGet);
  EXPECT_EQ(UriPath(run.requests[0].options), "/x");
}

TEST_P(CoapClientInteropTest, UnknownIdentityIsRefused) {
  const ServerRun run = RunClientAgainstServer(GetParam(), "somebody-else");

  EXPECT_EQ(run.client_output.find(kAnswer), std::string::npos) << run.client_output;
  EXPECT_TRUE(run.requests.empty());
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events[0].kind, EventKind::kHandshakeFailed);
  EXPECT_EQ(run.events[0].reason, "unknown PSK identity");
  EXPECT_EQ(run.events[0].identity, "somebody-else");
}

INSTANTIATE_TEST_SUITE_P(Libcoap, CoapClientInteropTest,
                         ::testing::Values("coap-client-gnutls", "coap-client-openssl"),
                         [](const auto& info) {
                           return info.param == "coap-client-gnutls" ? "GnuTLS" : "OpenSSL";
                         });

// A free UDP port p whose p + 1 is free too (libcoap's server takes p for CoAP and p + 1
// for CoAPS). Another process may take them before the server starts; the test then fails
// to connect rather than passing by mistake.
std::optional<std::uint16_t> FreePortPair() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto first = UdpSocket::Bind();
    if (!first || first->port() == 65535) continue;
    auto second = UdpSocket::Bind(first->port() + 1);
    if (second) return first->port();
  }
  return std::nullopt;
}

// Our Client against libcoap's server: GET / answers 2.05 with the server's banner.
class CoapServerInteropTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!HaveTool(GetParam())) GTEST_SKIP() << GetParam() << " is not installed (libcoap3-bin)";
  }
};

TEST_P(CoapServerInteropTest, OurClientGetsTheRootResource) {
  const auto port = FreePortPair();
  ASSERT_TRUE(port.has_value());
  auto child = ChildProcess::Spawn(
      {GetParam(), "-A", "127.0.0.1", "-p", std::to_string(*port), "-k", std::string(kKey)});
  ASSERT_NE(child, nullptr);
  auto socket = UdpSocket::Bind();
  ASSERT_NE(socket, nullptr);
  auto client = Client::Create();
  ASSERT_TRUE(client.has_value());
  const Peer server_peer = Peer::V4({127, 0, 0, 1}, static_cast<std::uint16_t>(*port + 1));

  auto hello = (*client)->Connect(server_peer, kIdentity, Bytes(kKey), Clock::now());
  ASSERT_TRUE(hello.has_value()) << hello.error().message;
  std::optional<Message> response;
  std::vector<Event> events;
  Message request;
  request.type = Type::kConfirmable;
  request.code = codes::kGet;
  request.message_id = 0x1234;
  request.token = {0xc0, 0x57};

  auto handle = [&](Output out) {
    for (const auto& datagram : out.datagrams) socket->Send(datagram.peer, datagram.bytes);
    for (const auto& event : out.events) {
      events.push_back(event);
      if (event.kind != EventKind::kEstablished) continue;
      // The session is up: send the request through it.
      auto record = (*client)->Seal(server_peer, Encode(request));
      EXPECT_TRUE(record.has_value()) << record.error().message;
      if (record) socket->Send(server_peer, *record);
    }
    for (const auto& plaintext : out.plaintexts) {
      auto message = Decode(plaintext.bytes);
      if (message && message->token == request.token) response = *message;
    }
  };
  // Until the server is up its port is closed and the ClientHello is lost; GnuTLS's
  // retransmissions (on Tick) keep knocking.
  handle(std::move(*hello));
  const auto give_up = Clock::now() + kRunLimit;
  while (!response && Clock::now() < give_up) {
    pollfd fds[1] = {{socket->fd(), POLLIN, 0}};
    auto next = (*client)->NextDeadline();
    (void)poll(
        fds, 1,
        PollTimeout(next ? std::min(*next, give_up) : give_up, std::chrono::milliseconds(200)));
    while (auto datagram = socket->Receive()) {
      handle((*client)->Receive(datagram->first, datagram->second, Clock::now()));
    }
    next = (*client)->NextDeadline();
    if (next && *next <= Clock::now()) handle((*client)->Tick(Clock::now()));
    child->ReadOutput();
    ASSERT_FALSE(child->Exited()) << GetParam() << " exited: " << child->output();
  }

  ASSERT_TRUE(response.has_value()) << "no response; server said: " << child->output();
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_FALSE(response->payload.empty());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, EventKind::kEstablished);
  EXPECT_TRUE((*client)->Suite(server_peer).has_value());
  const Output bye = (*client)->Close(server_peer);
  for (const auto& datagram : bye.datagrams) socket->Send(datagram.peer, datagram.bytes);
}

INSTANTIATE_TEST_SUITE_P(Libcoap, CoapServerInteropTest,
                         ::testing::Values("coap-server-gnutls", "coap-server-openssl"),
                         [](const auto& info) {
                           return info.param == "coap-server-gnutls" ? "GnuTLS" : "OpenSSL";
                         });

}  // namespace
}  // namespace custos::coap::dtls
