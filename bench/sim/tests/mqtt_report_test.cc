// The simulator's MQTT report: text and JSON carry every counter.
#include "mqtt_report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::sim {
namespace {

TEST(MqttReportTest, JsonHasEveryCounter) {
  MqttReport report;
  report.devices = 100;
  report.connects = 101;
  report.operations_failed = 2;
  report.firmware_bytes = 4096;
  report.first_error = "d-1: CONNACK Bad User Name or Password";
  const boost::json::object json = boost::json::parse(ReportJson(report)).as_object();
  EXPECT_EQ(json.at("protocol"), "mqtt");
  EXPECT_EQ(json.at("devices"), 100);
  EXPECT_EQ(json.at("connects"), 101);
  EXPECT_EQ(json.at("operations_failed"), 2);
  EXPECT_EQ(json.at("firmware_bytes"), 4096);
  EXPECT_EQ(json.at("first_error").as_string(), report.first_error);
  for (const char* key : {"online", "connect_errors", "disconnects", "published", "acknowledged",
                          "refused", "received", "desired_applied", "operations_received",
                          "operations_succeeded", "firmware_downloads", "errors", "seconds"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
}

TEST(MqttReportTest, TextAndLiveLineNameTheCounts) {
  MqttReport report;
  report.devices = 10;
  report.online = 7;
  report.operations_received = 3;
  const std::string text = ReportText(report);
  EXPECT_NE(text.find("online"), std::string::npos);
  EXPECT_NE(text.find("operations_received   3"), std::string::npos) << text;
  EXPECT_NE(LiveLine(report).find("online=7/10"), std::string::npos) << LiveLine(report);
}

TEST(MqttReportTest, SnapshotCopiesTheCounters) {
  MqttCounters counters;
  ++counters.connects;
  counters.firmware_bytes += 10;
  const MqttReport report = counters.Snapshot();
  EXPECT_EQ(report.connects, 1u);
  EXPECT_EQ(report.firmware_bytes, 10u);
}

}  // namespace
}  // namespace custos::sim
