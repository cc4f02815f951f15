// What one run of the load generator measured, as the one JSON line bench/mqtt.sh reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "load_generator.h"

namespace custos::mqtt_bench {

struct LoadReport {
  std::string broker;  // the label given on the command line
  ConnectResult connect;
  std::optional<std::uint64_t> rss_before_kib;  // before the storm
  std::optional<std::uint64_t> rss_idle_kib;    // with every device connected and idle
  PublishResult publish;
  RoundTripResult round_trip;
  std::string error;  // the first scenario's error, empty if all went well

  // (rss_idle - rss_before) * 1024 / connected devices; nullopt without both readings or
  // without a connected device. Signed: a broker may give memory back.
  std::optional<double> RssPerConnectionBytes() const;
};

// One line of JSON: every figure with its unit in the key (latencies in microseconds).
std::string ToJson(const LoadReport& report);

}  // namespace custos::mqtt_bench
