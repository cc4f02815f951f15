// Steering: every peer is served, and sent to, by the thread SteeringIndex names.
#include "coap/transport/steering.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <set>

#include "coap/transport/endpoint.h"
#include "coap/transport/worker.h"
#include "udp_peer.h"

namespace custos::coap::transport {
namespace {

using coap::testing::MakeMessage;
using coap::testing::UdpPeer;
using namespace std::chrono_literals;

TEST(SteeringHashTest, MatchesTheFormulaTheBpfProgramComputes) {
  // 127.0.0.1 is 0x7f000001; xor port 5683 (0x1633) = 0x7f001632.
  std::uint32_t h = 0x7f001632u * 0x9E3779B1u;
  h ^= h >> 16;
  EXPECT_EQ(SteeringHash(Peer::V4({127, 0, 0, 1}, 5683)), h);

  // IPv6: the four address words xor together first.
  std::array<std::uint8_t, 16> v6{};
  v6[3] = 1;   // word 0 = 1
  v6[7] = 2;   // word 1 = 2
  v6[15] = 4;  // word 3 = 4
  std::uint32_t h6 = (1u ^ 2u ^ 4u ^ 80u) * 0x9E3779B1u;
  h6 ^= h6 >> 16;
  EXPECT_EQ(SteeringHash(Peer::V6(v6, 80)), h6);
}

TEST(SteeringHashTest, IndexIsBelowTheThreadCountAndZeroForOneThread) {
  for (std::uint16_t port = 1; port < 2000; port += 7) {
    const Peer peer = Peer::V4({10, 0, 0, 1}, port);
    EXPECT_LT(SteeringIndex(peer, 3), 3u);
    EXPECT_EQ(SteeringIndex(peer, 1), 0u);
  }
}

// Serves `clients` sockets from an endpoint with `threads` threads on `listen` and checks
// that each was served by the thread SteeringIndex names.
void ExpectEachPeerServedByItsThread(const std::string& listen, bool ipv6, std::size_t threads,
                                     std::size_t clients) {
  std::mutex mutex;
  std::map<std::uint16_t, std::size_t> served_by;  // client port -> worker index
  EndpointOptions options;
  options.listen = listen;
  options.threads = threads;
  auto started = Endpoint::Start(options, [&](IncomingRequest request, Responder responder) {
    {
      std::lock_guard lock(mutex);
      served_by[request.peer.port] = Worker::CurrentIndex().value_or(999);
    }
    Message response;
    response.code = codes::kContent;
    responder.Respond(response);
  });
  ASSERT_TRUE(started) << started.error().message;
  auto& endpoint = *started;

  std::vector<std::unique_ptr<UdpPeer>> peers;
  for (std::size_t i = 0; i < clients; ++i) peers.push_back(std::make_unique<UdpPeer>(ipv6));
  for (auto& peer : peers) {
    peer->Send(endpoint->port(), MakeMessage(Type::kConfirmable, codes::kGet, 1, {1}, "/s"));
  }
  std::set<std::size_t> used;
  for (auto& peer : peers) {
    auto response = peer->ReceiveMessage();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code, codes::kContent);
    std::lock_guard lock(mutex);
    const std::size_t expected = SteeringIndex(peer->self(), threads);
    EXPECT_EQ(served_by[peer->self().port], expected) << ToString(peer->self());
    used.insert(served_by[peer->self().port]);
  }
  // With this many peers, every thread gets some (a failed attach would leave one).
  EXPECT_EQ(used.size(), threads);
}

TEST(SteeringTest, EachIpv4PeerIsServedByTheThreadItsHashNames) {
  ExpectEachPeerServedByItsThread("127.0.0.1:0", false, 4, 64);
}

TEST(SteeringTest, EachIpv4PeerOfADualStackListenerIsServedByTheThreadItsHashNames) {
  ExpectEachPeerServedByItsThread("[::]:0", false, 3, 48);
}

TEST(SteeringTest, EachIpv6PeerIsServedByTheThreadItsHashNames) {
  try {
    UdpPeer probe(true);
  } catch (const std::exception&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  ExpectEachPeerServedByItsThread("[::1]:0", true, 4, 64);
}

TEST(SteeringTest, RequestsLeaveFromThePeersThreadSoTheirAnswersMatch) {
  constexpr std::size_t kThreads = 4;
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = kThreads;
  auto endpoint = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(endpoint) << endpoint.error().message;

  std::vector<std::unique_ptr<UdpPeer>> peers;
  std::vector<std::future<std::optional<std::size_t>>> answered_on;
  for (int i = 0; i < 32; ++i) {
    peers.push_back(std::make_unique<UdpPeer>());
    auto promise = std::make_shared<std::promise<std::optional<std::size_t>>>();
    answered_on.push_back(promise->get_future());
    (*endpoint)->Request(peers.back()->self(),
                         MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, "/r"), {},
                         [promise](core::Result<Message> result) {
                           promise->set_value(result ? Worker::CurrentIndex() : std::nullopt);
                         });
  }
  for (auto& peer : peers) {
    auto request = peer->ReceiveMessage();
    ASSERT_TRUE(request);
    peer->Send((*endpoint)->port(), MakeMessage(Type::kAcknowledgement, codes::kContent,
                                                request->message_id, request->token));
  }
  for (std::size_t i = 0; i < peers.size(); ++i) {
    ASSERT_EQ(answered_on[i].wait_for(5s), std::future_status::ready);
    EXPECT_EQ(answered_on[i].get(), SteeringIndex(peers[i]->self(), kThreads));
  }
}

}  // namespace
}  // namespace custos::coap::transport
