// The API's metrics (docs/api.md "Operations endpoints"): per-request counters and latency
// histograms by route template, and the callback gauges that read the fleet, the store and the
// event bus at scrape time. Internal to the api module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.h"
#include "metrics/metrics.h"

namespace custos::api {

class HttpMetrics {
 public:
  explicit HttpMetrics(metrics::Registry& registry);

  // `route` is the matched template ("/api/v1/devices/{id}"), or "unmatched", so that the
  // label set stays bounded whatever clients send.
  void Record(std::string_view method, std::string_view route, int status, double seconds);

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& durations_;
};

// Registers custos_devices{state}, custos_devices_online, custos_store_*,
// custos_events_published_total and custos_event_subscribers; returns their names for
// UnregisterServiceMetrics.
std::vector<std::string> RegisterServiceMetrics(const Services& services);
void UnregisterServiceMetrics(metrics::Registry& registry, const std::vector<std::string>& names);

}  // namespace custos::api
