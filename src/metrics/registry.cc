#include "metrics/registry.h"

#include <mutex>
#include <stdexcept>

#include "metrics/exposition.h"

namespace custos::metrics {

namespace ex = exposition;

struct Registry::Entry {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names;
  bool callback = false;
  std::vector<double> upper_bounds;  // histograms only
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  Collector collect;
};

namespace {

const char* TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void CheckNames(const std::string& name, const std::vector<std::string>& label_names,
                MetricType type) {
  if (!ex::IsValidMetricName(name)) {
    throw std::invalid_argument("invalid metric name '" + name + "'");
  }
  for (const auto& l : label_names) {
    if (!ex::IsValidLabelName(l) || (type == MetricType::kHistogram && l == "le")) {
      throw std::invalid_argument("metric " + name + ": invalid label name '" + l + "'");
    }
  }
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::Register(const std::string& name, const std::string& help,
                                    MetricType type, std::vector<std::string> label_names,
                                    bool callback) {
  CheckNames(name, label_names, type);
  // Called with mu_ held exclusively.
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    Entry& e = *it->second;
    if (e.type != type || e.label_names != label_names || e.callback != callback) {
      throw std::invalid_argument("metric " + name + " is already registered differently");
    }
    return e;
  }
  auto entry = std::make_unique<Entry>();
  entry->name = name;
  entry->help = help;
  entry->type = type;
  entry->label_names = std::move(label_names);
  entry->callback = callback;
  return *entries_.emplace(name, std::move(entry)).first->second;
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  std::unique_lock lock(mu_);
  Entry& e = Register(name, help, MetricType::kCounter, std::move(label_names), false);
  if (!e.counters) {
    e.counters = std::make_unique<Family<Counter>>(e.label_names,
                                                   [] { return std::make_unique<Counter>(); });
  }
  return *e.counters;
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  std::unique_lock lock(mu_);
  Entry& e = Register(name, help, MetricType::kGauge, std::move(label_names), false);
  if (!e.gauges) {
    e.gauges =
        std::make_unique<Family<Gauge>>(e.label_names, [] { return std::make_unique<Gauge>(); });
  }
  return *e.gauges;
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> upper_bounds) {
  Histogram probe(upper_bounds);  // validates the bounds before anything is registered
  std::unique_lock lock(mu_);
  Entry& e = Register(name, help, MetricType::kHistogram, std::move(label_names), false);
  if (!e.histograms) {
    e.upper_bounds = upper_bounds;
    e.histograms = std::make_unique<Family<Histogram>>(
        e.label_names,
        [bounds = std::move(upper_bounds)] { return std::make_unique<Histogram>(bounds); });
  } else if (e.upper_bounds != upper_bounds) {
    throw std::invalid_argument("metric " + name + " is already registered with other buckets");
  }
  return *e.histograms;
}

void Registry::AddCallback(const std::string& name, const std::string& help, MetricType type,
                           std::vector<std::string> label_names, Collector collect) {
  if (type == MetricType::kHistogram) {
    throw std::invalid_argument("metric " + name + ": callback histograms are not supported");
  }
  std::unique_lock lock(mu_);
  Entry& e = Register(name, help, type, std::move(label_names), true);
  e.help = help;
  e.collect = std::move(collect);
}

void Registry::AddCallbackGauge(const std::string& name, const std::string& help,
                                std::function<double()> value) {
  AddCallback(name, help, MetricType::kGauge, {}, [value = std::move(value)] {
    return std::vector<Sample>{{{}, value()}};
  });
}

void Registry::AddCallbackCounter(const std::string& name, const std::string& help,
                                  std::function<double()> value) {
  AddCallback(name, help, MetricType::kCounter, {}, [value = std::move(value)] {
    return std::vector<Sample>{{{}, value()}};
  });
}

bool Registry::Remove(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::string Registry::Render() const {
  std::string out;
  // Shared for the whole render so that Remove() waits for callbacks that are running.
  std::shared_lock lock(mu_);
  for (const auto& entry : entries_) {
    // Named variables, not structured bindings: lambdas below capture them.
    const std::string& name = entry.first;
    const Entry* e = entry.second.get();
    out += "# HELP " + name + " " + ex::EscapeHelp(e->help) + "\n";
    out += "# TYPE " + name + " " + TypeName(e->type) + "\n";
    if (e->callback) {
      for (const Sample& s : e->collect()) {
        ex::AppendSample(out, name, e->label_names, s.label_values, "", "", s.value);
      }
    } else if (e->counters) {
      e->counters->ForEach([&](const std::vector<std::string>& values, const Counter& c) {
        ex::AppendSample(out, name, e->label_names, values, "", "", c.Value());
      });
    } else if (e->gauges) {
      e->gauges->ForEach([&](const std::vector<std::string>& values, const Gauge& g) {
        ex::AppendSample(out, name, e->label_names, values, "", "", g.Value());
      });
    } else if (e->histograms) {
      const std::string bucket = name + "_bucket";
      e->histograms->ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
        Histogram::Snapshot snap = h.Take();
        const auto& bounds = h.upper_bounds();
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          ex::AppendSample(out, bucket, e->label_names, values, "le", ex::FormatValue(bounds[i]),
                           static_cast<double>(snap.cumulative[i]));
        }
        ex::AppendSample(out, bucket, e->label_names, values, "le", "+Inf",
                         static_cast<double>(snap.count));
        ex::AppendSample(out, name + "_sum", e->label_names, values, "", "", snap.sum);
        ex::AppendSample(out, name + "_count", e->label_names, values, "", "",
                         static_cast<double>(snap.count));
      });
    }
  }
  return out;
}

}  // namespace custos::metrics
