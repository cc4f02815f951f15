// The state of one simulated LwM2M device, kept small (the simulator holds 100,000 of them):
// where it is in its registration, its one confirmable exchange in flight (NSTART = 1), its
// timers, its Object 3 and Object 5 values and its observations. A firmware transfer in
// progress lives beside it in the fleet, not in here.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lwm2m/lwm2m.h"

namespace custos::sim {

using TimeMs = std::int64_t;
inline constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();

enum class Phase : std::uint8_t {
  kWaiting,      // not started yet (ramp-up) or waiting to try Register again
  kRegistering,  // a Register is in flight
  kRegistered,
  kRebooting,  // Execute /3/0/4 or /5/0/2: silent until phase_at, then Register
  kOffline,    // silent until phase_at, then Register
};

// The confirmable request in flight.
enum class Exchange : std::uint8_t { kNone, kRegister, kUpdate, kDownload };

// Object 5 State and Update Result (TS Core Appendix E.6).
namespace firmware {
inline constexpr std::uint8_t kIdle = 0, kDownloading = 1, kDownloaded = 2, kUpdating = 3;
inline constexpr std::uint8_t kInitial = 0, kSuccess = 1, kIntegrityFailure = 5,
                              kConnectionLost = 4, kInvalidUri = 7, kUpdateFailed = 8,
                              kUnsupportedProtocol = 9;
}  // namespace firmware

struct Observation {
  std::uint64_t token = 0;
  std::uint8_t token_length = 0;
  std::uint16_t format = 0;  // Content-Format of the notifications
  std::uint16_t last_mid = 0;
  std::uint32_t sequence = 0;
  lwm2m::Path path;
  std::size_t last_hash = 0;  // of the last payload sent
  TimeMs last_sent = 0;
};

struct Device {
  std::string location;          // "/rd/xyz" from the 2.01 Created
  std::string firmware_version;  // /3/0/3
  std::string package_uri;       // /5/0/1
  std::vector<Observation> observations;

  TimeMs timer = kNever;          // the deadline queued for it in the fleet's timer heap
  TimeMs retransmit_at = kNever;  // of the exchange in flight
  TimeMs phase_at = kNever;       // Register (waiting, rebooting, offline) or go offline
  TimeMs next_update = kNever;    // Update (queue mode: the wake-up)
  TimeMs sleep_at = kNever;       // queue mode: the end of the awake time
  TimeMs next_step = kNever;      // the values change

  std::uint32_t exchange_token = 0;
  std::uint32_t next_token = 0;
  std::uint32_t retransmit_timeout_ms = 0;
  std::uint16_t exchange_mid = 0;
  std::uint16_t next_mid = 0;
  std::uint16_t pmin = 0, pmax = 0;  // Write-Attributes, seconds (0: none)
  Phase phase = Phase::kWaiting;
  Exchange exchange = Exchange::kNone;
  std::uint8_t attempts = 0;   // retransmissions of the exchange in flight
  std::uint8_t battery = 100;  // /3/0/9, percent
  std::uint8_t firmware_state = firmware::kIdle;
  std::uint8_t firmware_result = firmware::kInitial;
  bool separate = false;  // the exchange got its empty ACK
  bool queue_mode = false;
  bool sleeping = false;
  bool low_battery = false;
  bool fails_update = false;
  bool goes_offline = false;  // once, after its first registration
  bool charging = false;
  bool want_register = false;
  bool want_update = false;
  bool want_download = false;
  bool firmware_reboot = false;  // the reboot in progress installs a package
  bool dtls = false;             // over DTLS PSK (coaps)
  bool dtls_handshaking = false;
  bool dtls_ready = false;  // its DTLS session is established
};

}  // namespace custos::sim
