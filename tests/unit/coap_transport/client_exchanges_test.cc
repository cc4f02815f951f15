#include "coap/transport/client_exchanges.h"

#include <gtest/gtest.h>

namespace custos::coap::transport {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart{std::chrono::hours(1)};
const Peer kPeer = Peer::V4({10, 0, 0, 1}, 5683);
const Peer kOther = Peer::V4({10, 0, 0, 2}, 5683);

Exchange Sent(const Peer& peer, std::uint16_t id, std::vector<std::uint8_t> token,
              bool confirmable = true) {
  return Exchange{peer, id, std::move(token), confirmable, false, 10s, nullptr};
}

OutgoingRequest Waiting(const Peer& peer, std::string_view path) {
  OutgoingRequest request;
  request.peer = peer;
  SetUriPath(request.message.options, path);
  return request;
}

TEST(ClientExchangesTest, FindsAnExchangeByMessageIdAndByTokenPerPeer) {
  ClientExchanges exchanges;
  const auto id = exchanges.Add(Sent(kPeer, 7, {1, 2}));
  EXPECT_EQ(exchanges.ByMessageId(kPeer, 7), id);
  EXPECT_EQ(exchanges.ByToken(kPeer, std::vector<std::uint8_t>{1, 2}), id);
  EXPECT_FALSE(exchanges.ByMessageId(kOther, 7));
  EXPECT_FALSE(exchanges.ByToken(kOther, std::vector<std::uint8_t>{1, 2}));
  EXPECT_FALSE(exchanges.ByToken(kPeer, std::vector<std::uint8_t>{1, 2, 0}));

  Exchange taken = exchanges.Take(id);
  EXPECT_EQ(taken.message_id, 7);
  EXPECT_FALSE(exchanges.ByMessageId(kPeer, 7));
  EXPECT_FALSE(exchanges.ByToken(kPeer, std::vector<std::uint8_t>{1, 2}));
  EXPECT_FALSE(exchanges.Busy(kPeer));
}

TEST(ClientExchangesTest, AnAcknowledgedExchangeStopsCountingAgainstNstart) {
  ClientExchanges exchanges;
  const auto con = exchanges.Add(Sent(kPeer, 1, {1}));
  const auto non = exchanges.Add(Sent(kPeer, 2, {2}, false));
  EXPECT_EQ(exchanges.Outstanding(kPeer), 2u);
  exchanges.Acknowledge(con, kStart + 5s);
  EXPECT_EQ(exchanges.Outstanding(kPeer), 1u);
  exchanges.Take(non);
  EXPECT_EQ(exchanges.Outstanding(kPeer), 0u);
  EXPECT_TRUE(exchanges.Busy(kPeer));  // still waiting for the CON's response
  exchanges.Take(con);
  EXPECT_FALSE(exchanges.Busy(kPeer));
}

TEST(ClientExchangesTest, ReportsOverdueExchangesEarliestFirst) {
  ClientExchanges exchanges;
  const auto a = exchanges.Add(Sent(kPeer, 1, {1}));
  const auto b = exchanges.Add(Sent(kOther, 1, {1}));
  exchanges.SetDeadline(a, kStart + 5s);
  exchanges.SetDeadline(b, kStart + 3s);
  EXPECT_EQ(exchanges.NextDeadline(), kStart + 3s);
  EXPECT_TRUE(exchanges.Expired(kStart + 2s).empty());
  EXPECT_EQ(exchanges.Expired(kStart + 5s), (std::vector<ClientExchanges::Id>{b, a}));
  exchanges.Take(b);
  EXPECT_EQ(exchanges.NextDeadline(), kStart + 5s);
}

TEST(ClientExchangesTest, QueuesWaitingRequestsInOrderUpToTheBound) {
  ClientExchanges exchanges;
  OutgoingRequest first = Waiting(kPeer, "/1");
  OutgoingRequest second = Waiting(kPeer, "/2");
  OutgoingRequest third = Waiting(kPeer, "/3");
  EXPECT_TRUE(exchanges.Enqueue(std::move(first), 2));
  EXPECT_TRUE(exchanges.Enqueue(std::move(second), 2));
  EXPECT_FALSE(exchanges.Enqueue(std::move(third), 2));
  EXPECT_EQ(UriPath(third.message.options), "/3");  // left as it was
  EXPECT_TRUE(exchanges.Busy(kPeer));
  EXPECT_EQ(UriPath(exchanges.Dequeue(kPeer)->message.options), "/1");
  EXPECT_EQ(UriPath(exchanges.Dequeue(kPeer)->message.options), "/2");
  EXPECT_FALSE(exchanges.Dequeue(kPeer));
  EXPECT_FALSE(exchanges.Busy(kPeer));
}

TEST(ClientExchangesTest, HandsEverythingBackForShutdown) {
  ClientExchanges exchanges;
  const auto a = exchanges.Add(Sent(kPeer, 1, {1}));
  const auto b = exchanges.Add(Sent(kOther, 1, {1}));
  exchanges.Enqueue(Waiting(kPeer, "/w"), 4);
  EXPECT_EQ(exchanges.TakeWaiting().size(), 1u);
  EXPECT_EQ(exchanges.Ids(), (std::vector<ClientExchanges::Id>{a, b}));
}

}  // namespace
}  // namespace custos::coap::transport
