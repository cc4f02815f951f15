// The simulator's event loop: one thread, epoll over the fleet's few sockets, the fleet's
// timer heap for everything else, a constant network delay each way when asked for, and the
// live report line. Stops at the duration's end or when `stop` turns true (SIGINT/SIGTERM).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "fleet.h"
#include "sim_sockets.h"

namespace custos::sim {

struct RunOptions {
  std::size_t sockets = 0;     // 0: enough for the fleet at ~16,000 endpoints a socket
  double duration_s = 0;       // 0: until `stop`
  double report_every_s = 5;   // 0: no live lines
  std::uint32_t delay_ms = 0;  // added to each datagram, either way
  // Called with each live line.
  std::function<void(const std::string&)> on_line;
};

struct RunResult {
  Lwm2mStats stats;
  double elapsed_s = 0;
  std::size_t bytes_per_device = 0;      // the fleet's state per device (sizeof)
  double measured_bytes_per_device = 0;  // resident set growth over the fleet's start
  std::uint64_t send_errors = 0;
};

// Runs `config`'s fleet against its server until the end. kUnavailable when the sockets
// cannot be opened.
core::Result<RunResult> RunLwm2m(const Lwm2mConfig& config, const RunOptions& options,
                                 const std::atomic<bool>& stop);

}  // namespace custos::sim
