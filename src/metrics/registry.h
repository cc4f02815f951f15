// The registry of every metric the process exports, rendered for Prometheus at /metrics.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "metrics/family.h"
#include "metrics/instruments.h"

namespace custos::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// One value produced by a callback metric at scrape time.
struct Sample {
  std::vector<std::string> label_values;  // one per label name of the metric, in order
  double value = 0;
};

// Evaluated at every scrape, e.g. "devices by state" read from the fleet state.
using Collector = std::function<std::vector<Sample>()>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registration. Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, labels
  // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"). Registering a name again with the same
  // type and label names returns the existing family; with anything different, or an invalid
  // name, throws std::invalid_argument (a start-up error). The returned reference stays valid
  // until Remove(name) or the registry's destruction.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> upper_bounds = DefaultLatencyBuckets());

  // A counter or gauge whose samples come from `collect` at scrape time. Registering the same
  // name and type again replaces the callback. `collect` runs under the registry's shared lock:
  // it must not call back into the registry, and it is never running once Remove(name) returns.
  void AddCallback(const std::string& name, const std::string& help, MetricType type,
                   std::vector<std::string> label_names, Collector collect);
  // The common case: one unlabelled value.
  void AddCallbackGauge(const std::string& name, const std::string& help,
                        std::function<double()> value);
  void AddCallbackCounter(const std::string& name, const std::string& help,
                          std::function<double()> value);

  // Unregisters a metric of any kind; false if no such name. Used by components that stop
  // before the registry goes away, so that no callback outlives what it reads.
  bool Remove(std::string_view name);

  // Every metric in the Prometheus text exposition format 0.0.4, sorted by name.
  std::string Render() const;

 private:
  struct Entry;
  Entry& Register(const std::string& name, const std::string& help, MetricType type,
                  std::vector<std::string> label_names, bool callback);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

}  // namespace custos::metrics
