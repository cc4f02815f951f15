#include "coap/transport/peer_table.h"

#include <gtest/gtest.h>

namespace custos::coap::transport {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart{std::chrono::hours(1)};

Peer Nth(std::uint16_t n) { return Peer::V4({10, 0, 0, 1}, n); }
bool NeverBusy(const Peer&) { return false; }

TEST(PeerTableTest, RefusesANewPeerWhenFull) {
  PeerTable table(2, 10s);
  EXPECT_EQ(table.Touch(Nth(1), kStart), PeerTable::Touched::kNew);
  EXPECT_EQ(table.Touch(Nth(2), kStart), PeerTable::Touched::kNew);
  EXPECT_EQ(table.Touch(Nth(1), kStart + 1s), PeerTable::Touched::kKnown);
  EXPECT_EQ(table.Touch(Nth(3), kStart + 1s), PeerTable::Touched::kFull);
  EXPECT_FALSE(table.Contains(Nth(3)));
  EXPECT_EQ(table.size(), 2u);
}

TEST(PeerTableTest, EvictsPeersIdleForTheTimeoutInOrderOfLastActivity) {
  PeerTable table(10, 10s);
  table.Touch(Nth(1), kStart);
  table.Touch(Nth(2), kStart + 2s);
  table.Touch(Nth(1), kStart + 4s);  // now 2 is the least recently active
  EXPECT_EQ(table.NextIdle(), kStart + 12s);
  EXPECT_TRUE(table.EvictIdle(kStart + 11s, NeverBusy).empty());
  EXPECT_EQ(table.EvictIdle(kStart + 12s, NeverBusy), std::vector<Peer>{Nth(2)});
  EXPECT_EQ(table.NextIdle(), kStart + 14s);
  EXPECT_EQ(table.EvictIdle(kStart + 20s, NeverBusy), std::vector<Peer>{Nth(1)});
  EXPECT_FALSE(table.NextIdle());
}

TEST(PeerTableTest, KeepsABusyPeerAndCountsItActive) {
  PeerTable table(10, 10s);
  table.Touch(Nth(1), kStart);
  table.Touch(Nth(2), kStart);
  const auto busy = [](const Peer& peer) { return peer == Nth(1); };
  EXPECT_EQ(table.EvictIdle(kStart + 10s, busy), std::vector<Peer>{Nth(2)});
  EXPECT_TRUE(table.Contains(Nth(1)));
  EXPECT_EQ(table.NextIdle(), kStart + 20s);
}

TEST(PeerTableTest, TouchIfKnownAddsNobody) {
  PeerTable table(10, 10s);
  table.TouchIfKnown(Nth(1), kStart);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace custos::coap::transport
