#include <gtest/gtest.h>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using std::chrono::seconds;
using testing::Bytes;
using Verdict = Deduplicator::Verdict;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);
const Peer kPeer = Peer::V4({192, 0, 2, 1}, 5683);
const Peer kOther = Peer::V4({192, 0, 2, 2}, 5683);

TEST(DeduplicatorTest, SecondCopyIsADuplicate) {
  Deduplicator dedup;
  EXPECT_EQ(dedup.Check(kPeer, 1, Type::kConfirmable, kStart).verdict, Verdict::kNew);
  auto again = dedup.Check(kPeer, 1, Type::kConfirmable, kStart + seconds(2));
  EXPECT_EQ(again.verdict, Verdict::kDuplicate);
  EXPECT_FALSE(again.response);  // still being processed: nothing to resend yet
  EXPECT_EQ(dedup.Check(kOther, 1, Type::kConfirmable, kStart).verdict, Verdict::kNew);
  EXPECT_EQ(dedup.Check(kPeer, 2, Type::kConfirmable, kStart).verdict, Verdict::kNew);
}

// §4.5: a duplicate CON is answered with the same ACK, without processing it again.
TEST(DeduplicatorTest, DuplicateConGetsTheCachedResponse) {
  Deduplicator dedup;
  dedup.Check(kPeer, 0x7d34, Type::kConfirmable, kStart);
  const auto ack = Bytes({0x60, 0x45, 0x7d, 0x34, 0xff, 0x32, 0x32});
  EXPECT_TRUE(dedup.RememberResponse(kPeer, 0x7d34, ack));
  auto again = dedup.Check(kPeer, 0x7d34, Type::kConfirmable, kStart + seconds(3));
  EXPECT_EQ(again.verdict, Verdict::kDuplicate);
  ASSERT_TRUE(again.response);
  EXPECT_EQ(*again.response, ack);
}

TEST(DeduplicatorTest, RememberResponseNeedsARememberedCon) {
  Deduplicator dedup;
  EXPECT_FALSE(dedup.RememberResponse(kPeer, 1, Bytes({1})));
  dedup.Check(kPeer, 2, Type::kNonConfirmable, kStart);
  EXPECT_FALSE(dedup.RememberResponse(kPeer, 2, Bytes({1})));
  auto again = dedup.Check(kPeer, 2, Type::kNonConfirmable, kStart);
  EXPECT_EQ(again.verdict, Verdict::kDuplicate);
  EXPECT_FALSE(again.response);
}

TEST(DeduplicatorTest, AckAndResetAreNotRemembered) {
  Deduplicator dedup;
  for (Type type : {Type::kAcknowledgement, Type::kReset}) {
    EXPECT_EQ(dedup.Check(kPeer, 9, type, kStart).verdict, Verdict::kNew);
    EXPECT_EQ(dedup.Check(kPeer, 9, type, kStart).verdict, Verdict::kNew);
  }
  EXPECT_EQ(dedup.size(), 0u);
}

// CON ids are kept for EXCHANGE_LIFETIME (247 s), NON ids for NON_LIFETIME (145 s).
TEST(DeduplicatorTest, WindowsFollowTheLifetimes) {
  Deduplicator dedup;
  dedup.Check(kPeer, 1, Type::kConfirmable, kStart);
  dedup.Check(kPeer, 2, Type::kNonConfirmable, kStart);
  EXPECT_EQ(dedup.Check(kPeer, 2, Type::kNonConfirmable, kStart + seconds(144)).verdict,
            Verdict::kDuplicate);
  EXPECT_EQ(dedup.Check(kPeer, 2, Type::kNonConfirmable, kStart + seconds(145)).verdict,
            Verdict::kNew);
  EXPECT_EQ(dedup.Check(kPeer, 1, Type::kConfirmable, kStart + seconds(246)).verdict,
            Verdict::kDuplicate);
  EXPECT_EQ(dedup.Check(kPeer, 1, Type::kConfirmable, kStart + seconds(247)).verdict,
            Verdict::kNew);
}

TEST(DeduplicatorTest, ExpireDropsOnlyEndedEntries) {
  Deduplicator dedup;
  for (std::uint16_t i = 0; i < 10; ++i) {
    dedup.Check(kPeer, i, Type::kConfirmable, kStart + seconds(i));
    dedup.Check(kOther, i, Type::kNonConfirmable, kStart + seconds(i));
  }
  EXPECT_EQ(dedup.size(), 20u);
  EXPECT_EQ(dedup.Expire(kStart + seconds(144)), 0u);
  EXPECT_EQ(dedup.Expire(kStart + seconds(149)), 5u);  // NON 0..4
  EXPECT_EQ(dedup.SizeFor(kOther), 5u);
  EXPECT_EQ(dedup.Expire(kStart + seconds(200)), 5u);
  EXPECT_EQ(dedup.SizeFor(kOther), 0u);
  EXPECT_EQ(dedup.Expire(kStart + seconds(247)), 1u);  // CON 0
  EXPECT_EQ(dedup.Expire(kStart + seconds(1000)), 9u);
  EXPECT_EQ(dedup.size(), 0u);
  EXPECT_EQ(dedup.evicted(), 0u);
}

TEST(DeduplicatorTest, PerPeerBoundEvictsThatPeersOldest) {
  Deduplicator dedup({}, {.per_peer = 3, .total = 100});
  dedup.Check(kOther, 100, Type::kConfirmable, kStart);
  for (std::uint16_t i = 0; i < 5; ++i) {
    dedup.Check(kPeer, i, Type::kConfirmable, kStart + seconds(1 + i));
  }
  EXPECT_EQ(dedup.SizeFor(kPeer), 3u);
  EXPECT_EQ(dedup.SizeFor(kOther), 1u);  // the flood did not push it out
  EXPECT_EQ(dedup.evicted(), 2u);
  for (std::uint16_t i = 2; i < 5; ++i) {
    EXPECT_EQ(dedup.Check(kPeer, i, Type::kConfirmable, kStart + seconds(10)).verdict,
              Verdict::kDuplicate);
  }
  EXPECT_EQ(dedup.Check(kOther, 100, Type::kConfirmable, kStart + seconds(10)).verdict,
            Verdict::kDuplicate);
  // Id 0 was forgotten: it counts as new again (and pushes out id 2).
  EXPECT_EQ(dedup.Check(kPeer, 0, Type::kConfirmable, kStart + seconds(10)).verdict, Verdict::kNew);
  EXPECT_EQ(dedup.Check(kPeer, 2, Type::kConfirmable, kStart + seconds(10)).verdict, Verdict::kNew);
}

TEST(DeduplicatorTest, PerPeerBoundOfOne) {
  Deduplicator dedup({}, {.per_peer = 1, .total = 100});
  dedup.Check(kPeer, 1, Type::kConfirmable, kStart);
  dedup.Check(kPeer, 2, Type::kConfirmable, kStart);
  EXPECT_EQ(dedup.SizeFor(kPeer), 1u);
  EXPECT_EQ(dedup.Check(kPeer, 2, Type::kConfirmable, kStart).verdict, Verdict::kDuplicate);
}

// The global bound forgets the oldest entry of any peer and either type first.
TEST(DeduplicatorTest, GlobalBoundEvictsOldestFirst) {
  Deduplicator dedup({}, {.per_peer = 100, .total = 3});
  const Peer peers[] = {Peer::V4({10, 0, 0, 1}, 1), Peer::V4({10, 0, 0, 2}, 1),
                        Peer::V4({10, 0, 0, 3}, 1), Peer::V4({10, 0, 0, 4}, 1)};
  dedup.Check(peers[0], 1, Type::kNonConfirmable, kStart);
  dedup.Check(peers[1], 1, Type::kConfirmable, kStart + seconds(1));
  dedup.Check(peers[2], 1, Type::kNonConfirmable, kStart + seconds(2));
  dedup.Check(peers[3], 1, Type::kConfirmable, kStart + seconds(3));
  EXPECT_EQ(dedup.size(), 3u);
  EXPECT_EQ(dedup.evicted(), 1u);
  EXPECT_EQ(dedup.SizeFor(peers[0]), 0u);
  dedup.Check(peers[0], 2, Type::kNonConfirmable, kStart + seconds(4));
  EXPECT_EQ(dedup.SizeFor(peers[1]), 0u);  // the CON at 1 s was then the oldest
  EXPECT_EQ(dedup.SizeFor(peers[2]), 1u);
  EXPECT_EQ(dedup.SizeFor(peers[3]), 1u);
  EXPECT_EQ(dedup.evicted(), 2u);
}

// Expiring the few NON ids of a busy deduplicator leaves the 100,000 CON ids alone.
TEST(DeduplicatorTest, ExpireTouchesOnlyTheEndedKind) {
  Deduplicator dedup;
  for (std::uint16_t i = 0; i < 10; ++i) dedup.Check(kPeer, i, Type::kNonConfirmable, kStart);
  constexpr std::uint32_t kPeers = 100000;
  for (std::uint32_t i = 0; i < kPeers; ++i) {
    const Peer peer = Peer::V4({10, static_cast<std::uint8_t>(i >> 16),
                                static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                               5683);
    dedup.Check(peer, 1, Type::kConfirmable, kStart + seconds(10));
  }
  EXPECT_EQ(dedup.Expire(kStart + seconds(145)), 10u);
  EXPECT_EQ(dedup.size(), kPeers);
  EXPECT_EQ(dedup.Expire(kStart + seconds(256)), 0u);
  EXPECT_EQ(dedup.Expire(kStart + seconds(257)), kPeers);
  EXPECT_EQ(dedup.evicted(), 0u);
}

}  // namespace
}  // namespace custos::coap
