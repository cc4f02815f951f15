// The three instrument kinds of the metrics module. Updates are single atomic operations so
// that hot paths (every HTTP request, every CoAP message) pay no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace custos::metrics {

// A value that only goes up (requests served, bytes written). Prometheus "counter".
class Counter {
 public:
  // Adds `delta`, which must not be negative (a counter never decreases).
  void Inc(double delta = 1.0) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down (open connections, queue depth). Prometheus "gauge".
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double delta = 1.0) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Dec(double delta = 1.0) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (request durations). Prometheus "histogram".
class Histogram {
 public:
  // `upper_bounds` must be strictly increasing; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per upper bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  // A consistent-enough view for rendering: `count` always equals the +Inf bucket, even while
  // other threads observe.
  Snapshot Take() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  // Per-bucket (not cumulative) counts, upper_bounds_.size() + 1 of them (the last is +Inf).
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

// Bucket bounds `start`, `start * factor`, ... (`count` of them), e.g. for latencies.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// Latency buckets in seconds, 1 ms .. 10 s.
const std::vector<double>& DefaultLatencyBuckets();

}  // namespace custos::metrics
