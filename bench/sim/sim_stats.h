// What the simulator saw, counted as it runs: one text line for the live report and one
// JSON object for the final one (docs/simulator.md, "Report").
#pragma once

#include <cstdint>
#include <string>

namespace custos::sim {

struct Lwm2mStats {
  std::uint64_t devices = 0;
  std::uint64_t registered = 0;      // devices registered now
  std::uint64_t sleeping = 0;        // queue-mode devices asleep now
  std::uint64_t offline = 0;         // devices gone silent now
  std::uint64_t registers_sent = 0;  // Register requests (first sends, not retransmissions)
  std::uint64_t registrations = 0;   // 2.01 Created received
  std::uint64_t register_failures = 0;
  std::uint64_t updates_sent = 0;
  std::uint64_t updates = 0;  // 2.04 Changed received
  std::uint64_t update_failures = 0;
  std::uint64_t reads = 0;  // server requests answered, by kind
  std::uint64_t writes = 0;
  std::uint64_t executes = 0;
  std::uint64_t discovers = 0;
  std::uint64_t observes = 0;
  std::uint64_t cancels = 0;
  std::uint64_t write_attributes = 0;
  std::uint64_t other_requests = 0;  // answered with an error code
  std::uint64_t duplicates = 0;      // requests answered again from the cache
  std::uint64_t notifications = 0;
  std::uint64_t downloads_started = 0;
  std::uint64_t downloads_done = 0;
  std::uint64_t downloads_failed = 0;   // no answer, error answer, or a corrupt package
  std::uint64_t firmware_updates = 0;   // rebooted into a new version
  std::uint64_t firmware_failures = 0;  // Update Result 8
  std::uint64_t reboots = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t timeouts = 0;  // confirmable requests given up after the last retry
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t lost = 0;                // dropped by --loss
  std::uint64_t errors = 0;              // undecodable datagrams, resets, unexpected answers
  std::uint64_t handshakes = 0;          // DTLS handshakes started
  std::uint64_t handshake_failures = 0;  // DTLS handshakes failed and sessions lost
};

// "t=12.0s registered=1000/1000 updates=... ": the live line.
std::string FormatLine(const Lwm2mStats& stats, double elapsed_s);

// One JSON object with every counter, `elapsed_s` and `bytes_per_device`.
std::string FormatJson(const Lwm2mStats& stats, double elapsed_s, std::size_t bytes_per_device);

}  // namespace custos::sim
