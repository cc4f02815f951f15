// A latency histogram of fixed size with about 1.5 % relative resolution (log-linear buckets,
// 64 per power of two, as in HdrHistogram), so that a run of tens of millions of exchanges
// keeps 18 KiB of counters instead of every sample.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace custos::coap_bench {

class LatencyHistogram {
 public:
  using Nanoseconds = std::chrono::nanoseconds;

  // Negative values count as 0; values above about 18 minutes count in the last bucket.
  void Record(Nanoseconds latency);

  std::uint64_t count() const { return count_; }
  Nanoseconds min() const { return Nanoseconds(count_ == 0 ? 0 : min_); }
  Nanoseconds max() const { return Nanoseconds(max_); }

  // The smallest recorded value v such that at least `fraction` of the samples are <= v, to
  // the bucket's resolution (the bucket's midpoint, kept within [min, max]). 0 when empty.
  // `fraction` is clamped to [0, 1].
  Nanoseconds Percentile(double fraction) const;

 private:
  static constexpr int kSubBucketBits = 7;  // 128 exact values, then 64 per power of two
  static constexpr int kHalf = 1 << (kSubBucketBits - 1);
  static constexpr int kMaxShift = 33;  // up to 2^40 ns
  static constexpr int kBuckets = (kMaxShift + 2) * kHalf;

  static int BucketOf(std::uint64_t value);
  // [lower, upper] of the values that fall in `bucket`.
  static std::uint64_t LowerBound(int bucket);
  static std::uint64_t UpperBound(int bucket);

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace custos::coap_bench
