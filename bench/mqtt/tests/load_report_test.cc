#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mqtt_bench.h"

namespace custos::mqtt_bench {
namespace {

namespace json = boost::json;

TEST(ProcessRssTest, ParsesTheVmRssLine) {
  EXPECT_EQ(ParseVmRssKib("Name:\tx\nVmHWM:\t  999 kB\nVmRSS:\t  12345 kB\n"), 12345U);
  EXPECT_FALSE(ParseVmRssKib("Name:\tx\n"));
  EXPECT_FALSE(ParseVmRssKib("VmRSS:\t kB\n"));
  EXPECT_TRUE(ReadVmRssKib(getpid()));
}

TEST(LoadReportTest, RssPerConnectionIsTheDeltaOverConnectedDevices) {
  LoadReport report;
  report.connect.connected = 1000;
  EXPECT_FALSE(report.RssPerConnectionBytes());
  report.rss_before_kib = 10'000;
  report.rss_idle_kib = 12'000;
  EXPECT_DOUBLE_EQ(*report.RssPerConnectionBytes(), 2000.0 * 1024 / 1000);
  report.rss_idle_kib = 9'000;  // memory given back counts as negative
  EXPECT_LT(*report.RssPerConnectionBytes(), 0);
  report.connect.connected = 0;
  EXPECT_FALSE(report.RssPerConnectionBytes());
}

TEST(LoadReportTest, TheJsonLineCarriesEveryFigure) {
  LoadReport report;
  report.broker = "mosquitto \"2.0\"";
  report.connect.attempted = report.connect.connected = 10;
  report.connect.per_s = 1234.5;
  for (int us = 1; us <= 100; ++us) report.connect.latency.Record(std::chrono::microseconds(us));
  report.publish.acked = 7;
  report.error = "publish: refused";
  const json::value doc = json::parse(ToJson(report));
  EXPECT_EQ(doc.at("broker").as_string(), "mosquitto \"2.0\"");
  EXPECT_EQ(doc.at("connected").as_int64(), 10);
  EXPECT_DOUBLE_EQ(doc.at("connects_per_s").as_double(), 1234.5);
  EXPECT_DOUBLE_EQ(doc.at("connack_p50_us").as_double(), 50.0);
  EXPECT_DOUBLE_EQ(doc.at("connack_p99_us").as_double(), 99.0);
  EXPECT_TRUE(doc.at("rss_per_connection_bytes").is_null());
  EXPECT_EQ(doc.at("acked").as_int64(), 7);
  EXPECT_EQ(doc.at("error").as_string(), "publish: refused");
}

}  // namespace
}  // namespace custos::mqtt_bench
