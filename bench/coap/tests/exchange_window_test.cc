#include <gtest/gtest.h>

#include <set>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Mode = ExchangeWindow::Mode;

const Clock::time_point kT0{seconds(1000)};

std::vector<std::uint32_t> Endpoints(const std::vector<Send>& sends) {
  std::vector<std::uint32_t> out;
  for (const Send& send : sends) out.push_back(send.endpoint);
  return out;
}

TEST(ExchangeWindowTest, WarmUpSendsEachEndpointOnceUpToTheWindow) {
  ExchangeWindow window(10, 4);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(window.in_flight(), 4U);
  sends.clear();
  window.Refill(kT0, sends);  // full
  EXPECT_TRUE(sends.empty());
}

TEST(ExchangeWindowTest, ACompletedExchangeGivesItsLatencyAndFreesItsPlace) {
  ExchangeWindow window(10, 4);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  const Send first = sends[0];
  const auto latency = window.Complete(first.endpoint, first.message_id, kT0 + milliseconds(3));
  ASSERT_TRUE(latency.has_value());
  EXPECT_EQ(*latency, milliseconds(3));
  EXPECT_EQ(window.warmed(), 1U);
  EXPECT_EQ(window.in_flight(), 3U);
  // The same answer again is a duplicate.
  EXPECT_FALSE(window.Complete(first.endpoint, first.message_id, kT0 + milliseconds(4)));
  sends.clear();
  window.Refill(kT0, sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{4}));
}

TEST(ExchangeWindowTest, AnAnswerWithAnotherIdOrForAnotherEndpointCompletesNothing) {
  ExchangeWindow window(10, 4);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  EXPECT_FALSE(window.Complete(sends[0].endpoint, sends[0].message_id + 1, kT0));
  EXPECT_FALSE(window.Complete(7, sends[0].message_id, kT0));  // not in flight
  EXPECT_FALSE(window.Complete(99, 0, kT0));                   // no such endpoint
  EXPECT_EQ(window.in_flight(), 4U);
}

TEST(ExchangeWindowTest, EachExchangeOfAnEndpointHasANewMessageId) {
  ExchangeWindow window(1, 1);
  window.SetMode(Mode::kMeasure);
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 100; ++i) {
    std::vector<Send> sends;
    window.Refill(kT0, sends);
    ASSERT_EQ(sends.size(), 1U);
    ids.insert(sends[0].message_id);
    ASSERT_TRUE(window.Complete(0, sends[0].message_id, kT0));
  }
  EXPECT_EQ(ids.size(), 100U);
}

TEST(ExchangeWindowTest, WarmUpEndsWhenEveryEndpointHasAnswered) {
  ExchangeWindow window(6, 4);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  while (!sends.empty()) {
    const Send send = sends.front();
    sends.erase(sends.begin());
    ASSERT_TRUE(window.Complete(send.endpoint, send.message_id, kT0));
    window.Refill(kT0, sends);
  }
  EXPECT_EQ(window.warmed(), 6U);
  EXPECT_EQ(window.in_flight(), 0U);
}

TEST(ExchangeWindowTest, MeasureGoesRoundRobinAndSkipsEndpointsStillInFlight) {
  ExchangeWindow window(5, 3);
  window.SetMode(Mode::kMeasure);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  ASSERT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{0, 1, 2}));
  // 1 answers; the next turns are 3, then 4, then 0 is still in flight, so 1 again.
  ASSERT_TRUE(window.Complete(1, sends[1].message_id, kT0));
  ASSERT_TRUE(window.Complete(2, sends[2].message_id, kT0));
  sends.clear();
  window.Refill(kT0, sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{3, 4}));
  ASSERT_TRUE(window.Complete(3, sends[0].message_id, kT0));
  sends.clear();
  window.Refill(kT0, sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{1}));
}

TEST(ExchangeWindowTest, FewerEndpointsThanTheWindowKeepOneRequestEach) {
  ExchangeWindow window(3, 256);
  window.SetMode(Mode::kMeasure);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(window.in_flight(), 3U);
}

TEST(ExchangeWindowTest, RetransmitsAfterTheTimeoutThenTwiceAsLongWithTheSameId) {
  ExchangeWindow window(1, 1, RetransmitPolicy{seconds(2), 4});
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  const Send first = sends[0];
  EXPECT_EQ(window.NextDeadline(), kT0 + seconds(2));
  sends.clear();
  window.Expire(kT0 + milliseconds(1999), sends);
  EXPECT_TRUE(sends.empty());
  window.Expire(kT0 + seconds(2), sends);
  ASSERT_EQ(sends.size(), 1U);
  EXPECT_TRUE(sends[0].retransmission);
  EXPECT_EQ(sends[0].message_id, first.message_id);
  EXPECT_EQ(window.NextDeadline(), kT0 + seconds(6));
  EXPECT_EQ(window.retransmissions(), 1U);
  // The answer to the retransmission counts from the first transmission.
  EXPECT_EQ(window.Complete(0, first.message_id, kT0 + seconds(3)), seconds(3));
  EXPECT_FALSE(window.NextDeadline().has_value());
}

TEST(ExchangeWindowTest, GivesUpAfterTheLastRetransmissionAndWarmUpTriesAgain) {
  ExchangeWindow window(2, 1, RetransmitPolicy{seconds(2), 2});
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  ASSERT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{0}));
  sends.clear();
  window.Expire(kT0 + seconds(2), sends);  // retransmission 1, next at +4 s
  window.Expire(kT0 + seconds(6), sends);  // retransmission 2, next at +8 s
  EXPECT_EQ(sends.size(), 2U);
  sends.clear();
  window.Expire(kT0 + seconds(14), sends);  // given up
  EXPECT_TRUE(sends.empty());
  EXPECT_EQ(window.gave_up(), 1U);
  EXPECT_EQ(window.in_flight(), 0U);
  window.Refill(kT0 + seconds(14), sends);
  ASSERT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{0}));  // its turn again first
  ASSERT_TRUE(window.Complete(0, sends[0].message_id, kT0 + seconds(14)));
  sends.clear();
  window.Refill(kT0 + seconds(14), sends);
  EXPECT_EQ(Endpoints(sends), (std::vector<std::uint32_t>{1}));
}

TEST(ExchangeWindowTest, DrainStartsNothingNew) {
  ExchangeWindow window(10, 4);
  window.SetMode(Mode::kMeasure);
  std::vector<Send> sends;
  window.Refill(kT0, sends);
  ASSERT_TRUE(window.Complete(0, sends[0].message_id, kT0));
  window.SetMode(Mode::kDrain);
  sends.clear();
  window.Refill(kT0, sends);
  EXPECT_TRUE(sends.empty());
  EXPECT_EQ(window.in_flight(), 3U);
}

}  // namespace
}  // namespace custos::coap_bench
