#include "latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace custos::coap_bench {

int LatencyHistogram::BucketOf(std::uint64_t value) {
  if (value < 2 * kHalf) return static_cast<int>(value);
  const int shift = std::bit_width(value) - kSubBucketBits;  // >= 1
  if (shift > kMaxShift) return kBuckets - 1;
  // value >> shift is in [kHalf, 2 * kHalf): the top kSubBucketBits bits of the value.
  return (shift + 1) * kHalf + static_cast<int>((value >> shift) - kHalf);
}

std::uint64_t LatencyHistogram::LowerBound(int bucket) {
  if (bucket < 2 * kHalf) return static_cast<std::uint64_t>(bucket);
  const int shift = bucket / kHalf - 1;
  const auto mantissa = static_cast<std::uint64_t>(bucket % kHalf + kHalf);
  return mantissa << shift;
}

std::uint64_t LatencyHistogram::UpperBound(int bucket) {
  if (bucket < 2 * kHalf) return static_cast<std::uint64_t>(bucket);
  const int shift = bucket / kHalf - 1;
  return LowerBound(bucket) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(Nanoseconds latency) {
  const std::int64_t value = std::max<std::int64_t>(latency.count(), 0);
  ++counts_[static_cast<std::size_t>(BucketOf(static_cast<std::uint64_t>(value)))];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  ++count_;
}

LatencyHistogram::Nanoseconds LatencyHistogram::Percentile(double fraction) const {
  if (count_ == 0) return Nanoseconds(0);
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    seen += counts_[static_cast<std::size_t>(bucket)];
    if (seen >= rank) {
      if (bucket == kBuckets - 1) return Nanoseconds(max_);  // open-ended
      const std::uint64_t middle = (LowerBound(bucket) + UpperBound(bucket)) / 2;
      return Nanoseconds(std::clamp<std::int64_t>(static_cast<std::int64_t>(middle), min_, max_));
    }
  }
  return Nanoseconds(max_);
}

}  // namespace custos::coap_bench
