#include "latency_samples.h"

#include <algorithm>
#include <cmath>

namespace custos::mqtt_bench {

void LatencySamples::Record(Nanoseconds latency) {
  samples_.push_back(std::max<std::int64_t>(0, latency.count()));
  sorted_ = samples_.size() < 2 || (sorted_ && samples_[samples_.size() - 2] <= samples_.back());
}

LatencySamples::Nanoseconds LatencySamples::Percentile(double fraction) const {
  if (samples_.empty()) return Nanoseconds(0);
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  fraction = std::clamp(fraction, 0.0, 1.0);
  const double n = static_cast<double>(samples_.size());
  // Rank ceil(fraction * n), at least 1; a small epsilon keeps 0.99 * 100 at rank 99.
  auto rank = static_cast<std::size_t>(std::ceil(fraction * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, samples_.size());
  return Nanoseconds(samples_[rank - 1]);
}

}  // namespace custos::mqtt_bench
