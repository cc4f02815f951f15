#include <gtest/gtest.h>

#include <cmath>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

TEST(LatencyHistogramTest, EmptyGivesZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.Percentile(0.5), nanoseconds(0));
  EXPECT_EQ(histogram.max(), nanoseconds(0));
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int v = 1; v <= 100; ++v) histogram.Record(nanoseconds(v));
  EXPECT_EQ(histogram.Percentile(0.50), nanoseconds(50));
  EXPECT_EQ(histogram.Percentile(0.99), nanoseconds(99));
  EXPECT_EQ(histogram.Percentile(1.0), nanoseconds(100));
  EXPECT_EQ(histogram.min(), nanoseconds(1));
}

TEST(LatencyHistogramTest, PercentilesOfAWideRangeAreWithinTheResolution) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 100'000; ++us) histogram.Record(microseconds(us));
  EXPECT_EQ(histogram.count(), 100'000U);
  for (const double fraction : {0.5, 0.9, 0.99, 0.999}) {
    const double expected = fraction * 100'000'000.0;  // ns
    const auto got = static_cast<double>(histogram.Percentile(fraction).count());
    EXPECT_LT(std::abs(got - expected) / expected, 1.0 / 64) << fraction;
  }
  EXPECT_EQ(histogram.max(), microseconds(100'000));
}

TEST(LatencyHistogramTest, PercentileStaysWithinTheSamplesSeen) {
  LatencyHistogram histogram;
  histogram.Record(microseconds(1000));
  histogram.Record(microseconds(1001));
  EXPECT_GE(histogram.Percentile(0.0), microseconds(1000));
  EXPECT_LE(histogram.Percentile(1.0), microseconds(1001));
  EXPECT_EQ(histogram.Percentile(2.0), histogram.Percentile(1.0));  // clamped
}

TEST(LatencyHistogramTest, NegativeCountsAsZeroAndHugeLandsInTheLastBucket) {
  LatencyHistogram histogram;
  histogram.Record(nanoseconds(-5));
  histogram.Record(std::chrono::hours(10));
  EXPECT_EQ(histogram.count(), 2U);
  EXPECT_EQ(histogram.min(), nanoseconds(0));
  EXPECT_EQ(histogram.max(), std::chrono::hours(10));
  EXPECT_EQ(histogram.Percentile(1.0), std::chrono::hours(10));
}

}  // namespace
}  // namespace custos::coap_bench
