#include <gtest/gtest.h>

#include "mqtt_bench.h"

namespace custos::mqtt_bench {
namespace {

using std::chrono::nanoseconds;

TEST(LatencySamplesTest, EmptyGivesZero) {
  const LatencySamples samples;
  EXPECT_EQ(samples.count(), 0U);
  EXPECT_EQ(samples.Percentile(0.5), nanoseconds(0));
}

TEST(LatencySamplesTest, NearestRankOfOneToHundred) {
  LatencySamples samples;
  for (int v = 100; v >= 1; --v) samples.Record(nanoseconds(v));  // any order
  EXPECT_EQ(samples.count(), 100U);
  EXPECT_EQ(samples.Percentile(0.50), nanoseconds(50));
  EXPECT_EQ(samples.Percentile(0.99), nanoseconds(99));
  EXPECT_EQ(samples.Percentile(1.0), nanoseconds(100));
  EXPECT_EQ(samples.Percentile(0.0), nanoseconds(1));
}

TEST(LatencySamplesTest, FractionIsClampedAndNegativeCountsAsZero) {
  LatencySamples samples;
  samples.Record(nanoseconds(-5));
  samples.Record(nanoseconds(7));
  EXPECT_EQ(samples.Percentile(-1.0), nanoseconds(0));
  EXPECT_EQ(samples.Percentile(2.0), nanoseconds(7));
}

TEST(LatencySamplesTest, RecordingAfterAPercentileKeepsOrder) {
  LatencySamples samples;
  samples.Record(nanoseconds(30));
  samples.Record(nanoseconds(10));
  EXPECT_EQ(samples.Percentile(1.0), nanoseconds(30));
  samples.Record(nanoseconds(20));
  EXPECT_EQ(samples.Percentile(0.5), nanoseconds(20));
  EXPECT_EQ(samples.Percentile(0.34), nanoseconds(20));
  EXPECT_EQ(samples.Percentile(0.33), nanoseconds(10));
}

}  // namespace
}  // namespace custos::mqtt_bench
