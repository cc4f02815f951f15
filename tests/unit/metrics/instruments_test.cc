#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/metrics.h"

namespace custos::metrics {
namespace {

TEST(CounterTest, CountsIncrementsFromManyThreads) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
}

TEST(GaugeTest, SetsIncrementsAndDecrements) {
  Gauge g;
  g.Set(5);
  g.Inc(2.5);
  g.Dec();
  EXPECT_DOUBLE_EQ(g.Value(), 6.5);
}

TEST(HistogramTest, CountsIntoCumulativeBucketsWithLeSemantics) {
  Histogram h({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 7.0}) h.Observe(v);
  Histogram::Snapshot s = h.Take();
  ASSERT_EQ(s.cumulative.size(), 4u);
  EXPECT_EQ(s.cumulative[0], 2u);  // 0.5, 1.0 (le 1)
  EXPECT_EQ(s.cumulative[1], 4u);  // + 1.5, 2.0
  EXPECT_EQ(s.cumulative[2], 5u);  // + 4.0
  EXPECT_EQ(s.cumulative[3], 6u);  // + 7.0 in +Inf
  EXPECT_EQ(s.count, 6u);
  EXPECT_DOUBLE_EQ(s.sum, 16.0);
}

TEST(HistogramTest, RejectsBoundsThatAreNotIncreasing) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
}

TEST(HistogramTest, ExponentialBucketsMultiplyByFactor) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
}

TEST(FamilyTest, ReturnsTheSameInstrumentForTheSameLabels) {
  Family<Counter> f({"method", "status"}, [] { return std::make_unique<Counter>(); });
  Counter& a = f.WithLabels({"GET", "200"});
  Counter& b = f.WithLabels(std::vector<std::string>{"GET", "200"});
  Counter& c = f.WithLabels({"GET", "404"});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(FamilyTest, RejectsAWrongNumberOfLabelValues) {
  Family<Counter> f({"method"}, [] { return std::make_unique<Counter>(); });
  EXPECT_THROW(f.WithLabels({"GET", "200"}), std::invalid_argument);
  EXPECT_THROW(f.Get(), std::invalid_argument);
}

TEST(FamilyTest, CreatesLabelSetsConcurrentlyWithoutLosingIncrements) {
  Family<Counter> f({"k"}, [] { return std::make_unique<Counter>(); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) f.WithLabels({std::to_string(i % 10)}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  double total = 0;
  int sets = 0;
  f.ForEach([&](const std::vector<std::string>&, const Counter& c) {
    total += c.Value();
    ++sets;
  });
  EXPECT_EQ(sets, 10);
  EXPECT_EQ(total, 4000);
}

}  // namespace
}  // namespace custos::metrics
