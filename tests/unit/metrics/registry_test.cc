#include <gtest/gtest.h>

#include "metrics/metrics.h"

namespace custos::metrics {
namespace {

TEST(RegistryTest, RendersCountersAndGaugesWithHelpAndType) {
  Registry r;
  r.AddCounter("custos_http_requests_total", "HTTP requests.", {"method", "status"})
      .WithLabels({"GET", "200"})
      .Inc(3);
  r.AddGauge("custos_queue_depth", "Queued items.").Get().Set(7);
  EXPECT_EQ(r.Render(),
            "# HELP custos_http_requests_total HTTP requests.\n"
            "# TYPE custos_http_requests_total counter\n"
            "custos_http_requests_total{method=\"GET\",status=\"200\"} 3\n"
            "# HELP custos_queue_depth Queued items.\n"
            "# TYPE custos_queue_depth gauge\n"
            "custos_queue_depth 7\n");
}

TEST(RegistryTest, RendersHistogramBucketsSumAndCount) {
  Registry r;
  auto& h = r.AddHistogram("lat_seconds", "Latency.", {"route"}, {0.1, 1});
  h.WithLabels({"/x"}).Observe(0.05);
  h.WithLabels({"/x"}).Observe(0.5);
  h.WithLabels({"/x"}).Observe(2);
  EXPECT_EQ(r.Render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
            "lat_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
            "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{route=\"/x\"} 2.55\n"
            "lat_seconds_count{route=\"/x\"} 3\n");
}

TEST(RegistryTest, EscapesLabelValuesAndHelpText) {
  Registry r;
  r.AddGauge("g", "line one\nline \\two", {"path"}).WithLabels({"a\"b\nc"}).Set(1);
  EXPECT_EQ(r.Render(),
            "# HELP g line one\\nline \\\\two\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\"b\\nc\"} 1\n");
}

TEST(RegistryTest, EvaluatesCallbacksAtScrapeTime) {
  Registry r;
  int online = 1;
  r.AddCallbackGauge("custos_devices_online", "Online devices.", [&] { return online; });
  r.AddCallback("custos_devices", "Devices by state.", MetricType::kGauge, {"state"}, [] {
    return std::vector<Sample>{{{"active"}, 2}, {{"retired"}, 0}};
  });
  r.AddCallbackCounter("custos_events_published_total", "Events.", [] { return 9; });
  online = 5;
  EXPECT_EQ(r.Render(),
            "# HELP custos_devices Devices by state.\n"
            "# TYPE custos_devices gauge\n"
            "custos_devices{state=\"active\"} 2\n"
            "custos_devices{state=\"retired\"} 0\n"
            "# HELP custos_devices_online Online devices.\n"
            "# TYPE custos_devices_online gauge\n"
            "custos_devices_online 5\n"
            "# HELP custos_events_published_total Events.\n"
            "# TYPE custos_events_published_total counter\n"
            "custos_events_published_total 9\n");
}

TEST(RegistryTest, ReRegisteringTheSameShapeReturnsTheSameFamily) {
  Registry r;
  auto& a = r.AddCounter("c_total", "C.", {"x"});
  auto& b = r.AddCounter("c_total", "C.", {"x"});
  EXPECT_EQ(&a, &b);
}

TEST(RegistryTest, ReRegisteringACallbackReplacesIt) {
  Registry r;
  r.AddCallbackGauge("g", "G.", [] { return 1; });
  r.AddCallbackGauge("g", "G.", [] { return 2; });
  EXPECT_NE(r.Render().find("g 2\n"), std::string::npos);
}

TEST(RegistryTest, RejectsConflictingOrInvalidRegistrations) {
  Registry r;
  r.AddCounter("c_total", "C.", {"x"});
  EXPECT_THROW(r.AddGauge("c_total", "C."), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("c_total", "C.", {"y"}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("bad-name", "B."), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("ok", "B.", {"__x"}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram("h", "H.", {"le"}), std::invalid_argument);
  EXPECT_THROW(r.AddHistogram("h2", "H.", {}, {2, 1}), std::invalid_argument);
  r.AddHistogram("h3", "H.", {}, {1, 2});
  EXPECT_THROW(r.AddHistogram("h3", "H.", {}, {1, 3}), std::invalid_argument);
}

TEST(RegistryTest, RemoveUnregistersAMetric) {
  Registry r;
  r.AddCallbackGauge("g", "G.", [] { return 1; });
  EXPECT_TRUE(r.Remove("g"));
  EXPECT_FALSE(r.Remove("g"));
  EXPECT_EQ(r.Render(), "");
}

TEST(RegistryTest, RendersAnEmptyFamilyAsHeadersOnly) {
  Registry r;
  r.AddCounter("c_total", "C.", {"x"});
  EXPECT_EQ(r.Render(), "# HELP c_total C.\n# TYPE c_total counter\n");
}

}  // namespace
}  // namespace custos::metrics
