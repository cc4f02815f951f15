// What the simulated MQTT devices saw, counted by the fleet's loop and read by anyone (the
// live line, the final report, a test polling): live, as text, and as JSON.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace custos::sim {

// A copy of the counters at one moment.
struct MqttReport {
  std::uint64_t devices = 0;          // in the fleet
  std::uint64_t online = 0;           // connected now (CONNACK accepted, not closed since)
  std::uint64_t connects = 0;         // CONNACKs that accepted, reconnects included
  std::uint64_t connect_errors = 0;   // TCP failures and refused CONNACKs
  std::uint64_t disconnects = 0;      // connections that ended, on purpose or not
  std::uint64_t published = 0;        // PUBLISHes sent
  std::uint64_t acknowledged = 0;     // PUBACKs that accepted
  std::uint64_t refused = 0;          // v5 PUBACKs with a failure reason code
  std::uint64_t received = 0;         // PUBLISHes from the server
  std::uint64_t desired_applied = 0;  // desired states reported back as applied
  std::uint64_t operations_received = 0;
  std::uint64_t operations_succeeded = 0;
  std::uint64_t operations_failed = 0;
  std::uint64_t firmware_downloads = 0;  // images fetched whole, whatever their digest
  std::uint64_t firmware_bytes = 0;      // body bytes of firmware downloads
  std::uint64_t errors = 0;              // anything else that went wrong (see first_error)
  std::string first_error;
  double seconds = 0;  // since the fleet started
};

// The counters the loop increments (single writer; readers take Snapshot from any thread).
struct MqttCounters {
  std::atomic<std::uint64_t> online{0}, connects{0}, connect_errors{0}, disconnects{0},
      published{0}, acknowledged{0}, refused{0}, received{0}, desired_applied{0},
      operations_received{0}, operations_succeeded{0}, operations_failed{0}, firmware_downloads{0},
      firmware_bytes{0}, errors{0};

  MqttReport Snapshot() const;
};

// One line for the terminal while the fleet runs.
std::string LiveLine(const MqttReport& report);
// The report at the end, one "name value" line per counter.
std::string ReportText(const MqttReport& report);
// The same as a JSON object ({"devices": n, ..., "first_error": "..."}).
std::string ReportJson(const MqttReport& report);

}  // namespace custos::sim
