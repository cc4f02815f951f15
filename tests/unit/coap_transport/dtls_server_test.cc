// The endpoint with DTLS, seen from a device running our dtls::Client on a UDP socket:
// handshakes, the identity of each request, sealed answers, requests to the device over
// its own session, CloseSessions and idle eviction.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "coap/transport/endpoint.h"
#include "dtls_peer.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::DtlsPeer;
using testing::MakeMessage;
using testing::UdpPeer;
using testing::WaitUntil;
using namespace std::chrono_literals;

constexpr std::string_view kIdentity = "device-1";
constexpr std::string_view kKey = "secret-key-1";
const std::vector<std::uint8_t> kToken = {0xd7, 0x15, 0x00, 0x01};

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

DtlsSettings Settings() {
  DtlsSettings settings;
  settings.psk_lookup = [](std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
    if (identity == kIdentity) return Bytes(kKey);
    if (identity == "device-2") return Bytes("secret-key-2");
    return std::nullopt;
  };
  return settings;
}

EndpointOptions DtlsOptions() {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.transmission.ack_timeout = 200ms;
  options.transmission.max_retransmit = 2;
  options.dtls = Settings();
  return options;
}

Message Get(std::uint16_t message_id, std::string_view path, Type type = Type::kConfirmable) {
  return MakeMessage(type, codes::kGet, message_id, kToken, path);
}

class DtlsServerTest : public ::testing::Test {
 protected:
  void TearDown() override { endpoint_.reset(); }

  // Answers "<identity> <path>" at once, or from another thread for /later.
  void Start(EndpointOptions options = DtlsOptions()) {
    auto started =
        Endpoint::Start(std::move(options), [this](IncomingRequest request, Responder responder) {
          ++calls_;
          Message response;
          response.code = codes::kContent;
          const std::string path = UriPath(request.message.options);
          response.payload = Bytes(request.identity + " " + path);
          if (path == "/later") {
            std::thread([responder, response]() mutable {
              responder.Respond(std::move(response));
            }).detach();
            return;
          }
          responder.Respond(std::move(response));
        });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::atomic<int> calls_{0};
};

TEST_F(DtlsServerTest, AnswersInTheSessionWithTheDevicesIdentity) {
  Start();
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(Get(0x0101, "/3/0")));
  auto response = device.Receive();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kAcknowledgement);
  EXPECT_EQ(response->message_id, 0x0101);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(Text(response->payload), "device-1 /3/0");

  const EndpointStats stats = endpoint_->stats();
  EXPECT_EQ(stats.dtls_handshakes, 1u);
  EXPECT_EQ(stats.dtls_cookies_sent, 1u);
  EXPECT_EQ(stats.dtls_sessions, 1u);
  EXPECT_EQ(stats.dtls_handshake_failures, 0u);
  EXPECT_EQ(stats.peers, 1u);
}

TEST_F(DtlsServerTest, SendsASeparateResponseSealed) {
  Start();
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(Get(0x0102, "/later")));
  auto ack = device.Receive();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->type, Type::kAcknowledgement);
  EXPECT_TRUE(ack->code.IsEmpty());
  auto response = device.Receive();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->type, Type::kConfirmable);
  EXPECT_EQ(response->token, kToken);
  EXPECT_EQ(Text(response->payload), "device-1 /later");
  ASSERT_TRUE(
      device.Send(MakeMessage(Type::kAcknowledgement, codes::kEmpty, response->message_id)));
}

TEST_F(DtlsServerTest, AnswersAPingWithResetInTheSession) {
  Start();
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(MakeMessage(Type::kConfirmable, codes::kEmpty, 0x0a0a)));
  auto reset = device.Receive();
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->type, Type::kReset);
  EXPECT_EQ(reset->message_id, 0x0a0a);
}

TEST_F(DtlsServerTest, RefusesAnUnknownIdentity) {
  Start();
  DtlsPeer stranger;
  EXPECT_FALSE(stranger.Connect(endpoint_->port(), "stranger", "whatever"));
  ASSERT_FALSE(stranger.events().empty());
  EXPECT_EQ(stranger.events().back().kind, dtls::EventKind::kHandshakeFailed);
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().dtls_handshake_failures == 1; }));
  EXPECT_EQ(endpoint_->stats().dtls_sessions, 0u);
  EXPECT_EQ(calls_, 0);
}

TEST_F(DtlsServerTest, DropsPlainCoap) {
  Start();
  UdpPeer plain;
  plain.Send(endpoint_->port(), Get(0x0201, "/plain"));
  // A DTLS exchange on the same thread afterwards: the plain datagram was handled first.
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(Get(0x0202, "/after")));
  ASSERT_TRUE(device.Receive());
  EXPECT_FALSE(plain.Receive(0ms));
  EXPECT_EQ(calls_, 1);
  EXPECT_GE(endpoint_->stats().dtls_records_dropped, 1u);
}

TEST_F(DtlsServerTest, SendsRequestsToTheDeviceOverItsSession) {
  Start();
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  // The device speaks first (as an LwM2M client registers), then the endpoint asks it.
  ASSERT_TRUE(device.Send(Get(0x0301, "/rd")));
  ASSERT_TRUE(device.Receive());

  auto promise = std::make_shared<std::promise<core::Result<Message>>>();
  auto outcome = promise->get_future();
  endpoint_->Request(device.self(), MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/3/0/0"),
                     {}, [promise](core::Result<Message> result) { promise->set_value(result); });
  auto request = device.Receive();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->code, codes::kGet);
  EXPECT_EQ(UriPath(request->options), "/3/0/0");
  Message answer = MakeMessage(Type::kAcknowledgement, codes::kContent, request->message_id,
                               request->token, {}, "Custos Devices Inc.");
  ASSERT_TRUE(device.Send(answer));
  ASSERT_EQ(outcome.wait_for(5s), std::future_status::ready);
  auto result = outcome.get();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(Text(result->payload), "Custos Devices Inc.");
}

TEST_F(DtlsServerTest, FailsARequestToAPeerWithoutSessionOrClientIdentity) {
  Start();
  UdpPeer nobody;
  auto promise = std::make_shared<std::promise<core::Result<Message>>>();
  auto outcome = promise->get_future();
  endpoint_->Request(nobody.self(), MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/x"), {},
                     [promise](core::Result<Message> result) { promise->set_value(result); });
  ASSERT_EQ(outcome.wait_for(5s), std::future_status::ready);
  auto result = outcome.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kUnavailable);
  EXPECT_FALSE(nobody.Receive(0ms));
}

TEST_F(DtlsServerTest, CloseSessionsEndsTheSessionsOfThatIdentityOnly) {
  Start();
  DtlsPeer device;
  DtlsPeer other;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(other.Connect(endpoint_->port(), "device-2", "secret-key-2"));
  ASSERT_TRUE(WaitUntil([&] { return endpoint_->stats().dtls_sessions == 2; }));

  endpoint_->CloseSessions(kIdentity);
  ASSERT_TRUE(device.WaitForEvent(dtls::EventKind::kClosed));
  EXPECT_EQ(device.events().back().reason, "close_notify from the peer");
  EXPECT_FALSE(device.established());
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().dtls_sessions == 1; }));

  // The other device's session is untouched.
  ASSERT_TRUE(other.Send(Get(0x0401, "/still")));
  auto response = other.Receive();
  ASSERT_TRUE(response);
  EXPECT_EQ(Text(response->payload), "device-2 /still");

  // The closed device needs a new handshake for its next request.
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(Get(0x0402, "/again")));
  response = device.Receive();
  ASSERT_TRUE(response);
  EXPECT_EQ(Text(response->payload), "device-1 /again");
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 3u);
}

TEST_F(DtlsServerTest, ForgetsTheSessionOfAnIdlePeer) {
  EndpointOptions options = DtlsOptions();
  options.peer_idle_timeout = 1s;
  Start(options);
  DtlsPeer device;
  ASSERT_TRUE(device.Connect(endpoint_->port(), kIdentity, kKey));
  ASSERT_TRUE(device.Send(Get(0x0501, "/once")));
  ASSERT_TRUE(device.Receive());
  ASSERT_EQ(endpoint_->stats().dtls_sessions, 1u);

  ASSERT_TRUE(WaitUntil([&] { return endpoint_->stats().dtls_sessions == 0; }, 10s));
  EXPECT_EQ(endpoint_->stats().peers_evicted, 1u);
  // Forgotten silently: the device learns only that its records go unanswered.
  EXPECT_TRUE(device.established());
  const std::uint64_t dropped = endpoint_->stats().dtls_records_dropped;
  ASSERT_TRUE(device.Send(Get(0x0502, "/twice")));
  EXPECT_TRUE(WaitUntil([&] { return endpoint_->stats().dtls_records_dropped > dropped; }));
  EXPECT_EQ(calls_, 1);
}

TEST(DtlsStartTest, RefusesAnMtuOutOfRange) {
  EndpointOptions options = DtlsOptions();
  options.dtls->mtu = 100;
  auto started = Endpoint::Start(options, nullptr);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace custos::coap
