#include "api/api_metrics.h"

#include <string>

namespace custos::api {

namespace {

// Methods outside this list are counted as "other", keeping label sets bounded.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "other";
}

}  // namespace

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests_(registry.AddCounter("custos_http_requests_total",
                                    "HTTP requests answered, by method, route template and status.",
                                    {"method", "route", "status"})),
      durations_(registry.AddHistogram("custos_http_request_duration_seconds",
                                       "Time to answer an HTTP request, by route template.",
                                       {"route"})) {}

void HttpMetrics::Record(std::string_view method, std::string_view route, int status,
                         double seconds) {
  requests_.WithLabels({MethodLabel(method), route, std::to_string(status)}).Inc();
  durations_.WithLabels({route}).Observe(seconds);
}

std::vector<std::string> RegisterServiceMetrics(const Services& services) {
  metrics::Registry& m = services.metrics;
  core::Registry* registry = &services.registry;
  core::Store* store = &services.store;
  core::EventBus* events = &services.events;

  m.AddCallback(
      "custos_devices", "Registered devices by lifecycle state.", metrics::MetricType::kGauge,
      {"state"}, [registry] {
        auto counts = registry->fleet().CountByState();
        std::vector<metrics::Sample> out;
        for (auto state : {core::LifecycleState::kProvisioned, core::LifecycleState::kActive,
                           core::LifecycleState::kDisabled, core::LifecycleState::kRetired}) {
          auto it = counts.find(state);
          out.push_back(
              {{core::ToString(state)}, static_cast<double>(it == counts.end() ? 0 : it->second)});
        }
        return out;
      });
  m.AddCallbackGauge("custos_devices_online", "Devices online now.",
                     [registry] { return static_cast<double>(registry->fleet().OnlineCount()); });
  m.AddCallbackCounter("custos_store_write_batches_total",
                       "Transactions committed by the store's writer.",
                       [store] { return static_cast<double>(store->Stats().write_batches); });
  m.AddCallbackCounter("custos_store_write_ops_total", "Writes carried by those transactions.",
                       [store] { return static_cast<double>(store->Stats().write_ops); });
  m.AddCallbackCounter("custos_store_write_failures_total", "Failed store writes.",
                       [store] { return static_cast<double>(store->Stats().write_failures); });
  m.AddCallbackGauge("custos_store_db_size_bytes", "Size of the database.",
                     [store] { return static_cast<double>(store->Stats().db_size_bytes); });
  m.AddCallbackCounter("custos_events_published_total", "Events published on the event bus.",
                       [events] { return static_cast<double>(events->LastSeq()); });
  m.AddCallbackGauge("custos_event_subscribers", "Live event subscriptions.",
                     [events] { return static_cast<double>(events->SubscriberCount()); });
  return {"custos_devices",
          "custos_devices_online",
          "custos_store_write_batches_total",
          "custos_store_write_ops_total",
          "custos_store_write_failures_total",
          "custos_store_db_size_bytes",
          "custos_events_published_total",
          "custos_event_subscribers"};
}

void UnregisterServiceMetrics(metrics::Registry& registry, const std::vector<std::string>& names) {
  for (const auto& name : names) registry.Remove(name);
}

}  // namespace custos::api
