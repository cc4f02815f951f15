#include <gtest/gtest.h>

#include <algorithm>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Bytes;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);
const Peer kPeer = Peer::V4({192, 0, 2, 1}, 5683);
const Peer kOther = Peer::V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5683);

Peer NumberedPeer(std::uint32_t n) {
  return Peer::V4({10, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                   static_cast<std::uint8_t>(n)},
                  5683);
}

// With fraction 0.5 the first timeout is 2.5 s; it doubles on each of the 4 retransmissions
// (5 transmissions in all) and the message gives up 2.5 * 31 = 77.5 s after the first.
TEST(RetransmissionQueueTest, BackOffScheduleIsExact) {
  RetransmissionQueue queue;
  ASSERT_TRUE(queue.Add(kPeer, 0x1234, Bytes({0x40, 0x01, 0x12, 0x34}), kStart, 0.5));
  const milliseconds expected_times[] = {milliseconds(2500), milliseconds(7500),
                                         milliseconds(17500), milliseconds(37500)};
  int transmissions = 1;
  for (milliseconds at : expected_times) {
    SCOPED_TRACE(at.count());
    ASSERT_EQ(queue.NextDeadline(), kStart + at);
    auto early = queue.Due(kStart + at - milliseconds(1));
    EXPECT_TRUE(early.resend.empty());
    EXPECT_TRUE(early.timed_out.empty());
    auto due = queue.Due(kStart + at);
    ASSERT_EQ(due.resend.size(), 1u);
    EXPECT_TRUE(due.timed_out.empty());
    EXPECT_EQ(due.resend[0].key, (ExchangeKey{kPeer, 0x1234}));
    EXPECT_EQ(due.resend[0].bytes, Bytes({0x40, 0x01, 0x12, 0x34}));
    EXPECT_EQ(due.resend[0].transmissions, ++transmissions);
  }
  EXPECT_EQ(transmissions, 5);
  ASSERT_EQ(queue.NextDeadline(), kStart + milliseconds(77500));
  EXPECT_TRUE(queue.Due(kStart + milliseconds(77499)).timed_out.empty());
  auto last = queue.Due(kStart + milliseconds(77500));
  EXPECT_TRUE(last.resend.empty());
  ASSERT_EQ(last.timed_out.size(), 1u);
  EXPECT_EQ(last.timed_out[0].transmissions, 5);
  EXPECT_EQ(last.timed_out[0].bytes, Bytes({0x40, 0x01, 0x12, 0x34}));
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.NextDeadline(), std::nullopt);
}

// At the top of the random range the give-up comes exactly at MAX_TRANSMIT_WAIT.
TEST(RetransmissionQueueTest, GivesUpAtMaxTransmitWaitWithTheLargestTimeout) {
  TransmissionParams params;
  RetransmissionQueue queue(params);
  queue.Add(kPeer, 1, Bytes({1}), kStart, 1.0);
  int resends = 0;
  while (auto deadline = queue.NextDeadline()) {
    auto due = queue.Due(*deadline);
    resends += static_cast<int>(due.resend.size());
    if (!due.timed_out.empty()) {
      EXPECT_EQ(*deadline - kStart, params.MaxTransmitWait());
    }
  }
  EXPECT_EQ(resends, params.max_retransmit);
}

// A late Due call resends once, and the next timeout counts from that resend.
TEST(RetransmissionQueueTest, LateCallReschedulesFromNow) {
  RetransmissionQueue queue;
  queue.Add(kPeer, 1, Bytes({1}), kStart, 0.0);
  auto due = queue.Due(kStart + seconds(10));
  EXPECT_EQ(due.resend.size(), 1u);
  EXPECT_EQ(queue.NextDeadline(), kStart + seconds(14));
}

TEST(RetransmissionQueueTest, AckAndResetStopRetransmission) {
  RetransmissionQueue queue;
  queue.Add(kPeer, 1, Bytes({1}), kStart, 0.0);
  queue.Add(kPeer, 2, Bytes({2}), kStart, 0.0);
  EXPECT_EQ(queue.Outstanding(kPeer), 2u);
  EXPECT_TRUE(queue.Acknowledge(kPeer, 1));
  EXPECT_TRUE(queue.Reset(kPeer, 2));
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.Outstanding(kPeer), 0u);
  EXPECT_EQ(queue.NextDeadline(), std::nullopt);
  auto due = queue.Due(kStart + seconds(1000));
  EXPECT_TRUE(due.resend.empty());
  EXPECT_TRUE(due.timed_out.empty());
}

TEST(RetransmissionQueueTest, StrayOrDuplicateAckIsReported) {
  RetransmissionQueue queue;
  queue.Add(kPeer, 7, Bytes({7}), kStart, 0.0);
  EXPECT_FALSE(queue.Acknowledge(kPeer, 8));   // never sent
  EXPECT_FALSE(queue.Acknowledge(kOther, 7));  // same id, other peer
  EXPECT_TRUE(queue.Acknowledge(kPeer, 7));
  EXPECT_FALSE(queue.Acknowledge(kPeer, 7));  // duplicate
  EXPECT_FALSE(queue.Reset(kPeer, 7));
}

TEST(RetransmissionQueueTest, RefusesASecondAddOfTheSameExchange) {
  RetransmissionQueue queue;
  EXPECT_TRUE(queue.Add(kPeer, 7, Bytes({1}), kStart, 0.0));
  EXPECT_FALSE(queue.Add(kPeer, 7, Bytes({2}), kStart + seconds(1), 0.0));
  EXPECT_TRUE(queue.Add(kOther, 7, Bytes({3}), kStart, 0.0));
  auto due = queue.Due(kStart + seconds(2));
  ASSERT_EQ(due.resend.size(), 2u);
  EXPECT_EQ(due.resend[0].bytes, Bytes({1}));
}

TEST(RetransmissionQueueTest, DueIsInDeadlineOrderAcrossPeers) {
  RetransmissionQueue queue;
  // Peer i's first timeout is 2 s * (1 + f / 2) with f decreasing in i, so deadlines run
  // in the reverse of insertion order.
  constexpr int kPeers = 50;
  for (int i = 0; i < kPeers; ++i) {
    queue.Add(NumberedPeer(i), static_cast<std::uint16_t>(i), Bytes({i}), kStart,
              (kPeers - i) / 64.0);
  }
  auto due = queue.Due(kStart + seconds(3));
  ASSERT_EQ(due.resend.size(), static_cast<std::size_t>(kPeers));
  for (int i = 0; i < kPeers; ++i) {
    EXPECT_EQ(due.resend[i].key.peer, NumberedPeer(kPeers - 1 - i));
  }
}

TEST(RetransmissionQueueTest, EqualDeadlinesKeepInsertionOrder) {
  RetransmissionQueue queue;
  for (int i = 0; i < 10; ++i) queue.Add(NumberedPeer(9 - i), 1, Bytes({i}), kStart, 0.25);
  auto due = queue.Due(kStart + seconds(5));
  ASSERT_EQ(due.resend.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(due.resend[i].bytes, Bytes({i}));
}

// 100,000 idle peers whose timers are far off and 10 that are due: Due looks at the 10 and
// at the first idle deadline, nothing more.
TEST(RetransmissionQueueTest, DueCostIsIndependentOfIdlePeers) {
  TransmissionParams params;
  params.ack_timeout = seconds(60);
  RetransmissionQueue queue(params);
  constexpr std::uint32_t kIdle = 100000;
  for (std::uint32_t i = 0; i < kIdle; ++i) {
    ASSERT_TRUE(queue.Add(NumberedPeer(i), static_cast<std::uint16_t>(i), Bytes({1}), kStart, 0.0));
  }
  EXPECT_EQ(queue.size(), kIdle);
  queue.Add(kOther, 1, Bytes({2}), kStart, 0.0);
  EXPECT_EQ(queue.size(), kIdle + 1);
  EXPECT_EQ(queue.Due(kStart + seconds(59)).examined, 1u);
  // ... and the same with a handful of short timers mixed in.
  TransmissionParams short_params;
  RetransmissionQueue mixed(short_params);
  for (std::uint32_t i = 0; i < kIdle; ++i) {
    mixed.Add(NumberedPeer(i), 1, Bytes({1}), kStart + seconds(1000), 0.0);
  }
  for (std::uint32_t i = 0; i < 10; ++i) {
    mixed.Add(Peer::V4({192, 0, 2, static_cast<std::uint8_t>(i)}, 5683), 1, Bytes({2}), kStart,
              0.0);
  }
  auto due = mixed.Due(kStart + seconds(2));
  EXPECT_EQ(due.resend.size(), 10u);
  EXPECT_EQ(due.examined, 11u);
  auto none = mixed.Due(kStart + seconds(3));
  EXPECT_TRUE(none.resend.empty());
  EXPECT_EQ(none.examined, 1u);
}

}  // namespace
}  // namespace custos::coap
