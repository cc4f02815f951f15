// Latencies kept sample by sample: a run of this benchmark takes at most a few hundred
// thousand, so exact percentiles cost a few MiB at most and need no binning.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace custos::mqtt_bench {

class LatencySamples {
 public:
  using Nanoseconds = std::chrono::nanoseconds;

  // Negative values count as 0.
  void Record(Nanoseconds latency);

  std::size_t count() const { return samples_.size(); }

  // The nearest-rank percentile: the smallest sample v such that at least `fraction` of the
  // samples are <= v. 0 when empty; `fraction` is clamped to [0, 1] (0 gives the minimum).
  Nanoseconds Percentile(double fraction) const;

 private:
  mutable std::vector<std::int64_t> samples_;
  mutable bool sorted_ = true;
};

}  // namespace custos::mqtt_bench
