// The knobs of a simulated LwM2M fleet (docs/simulator.md, "Knobs"). Shares are fractions
// 0..1 of the fleet; which devices get a trait is a hash of their index, so a run is the
// same fleet every time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim_sockets.h"

namespace custos::sim {

enum class Lwm2mVersion : std::uint8_t { kV1_0, kV1_1, kV1_2 };

struct Lwm2mConfig {
  Address server{0x7f000001, 5683};
  std::uint32_t devices = 1;
  std::uint32_t first = 0;  // endpoint name of device i is prefix + (first + i)
  std::string prefix = "sim-";
  double ramp_per_s = 1000;  // Registers started per second
  Lwm2mVersion version = Lwm2mVersion::kV1_1;
  double queue_share = 0;  // binding UQ: sleep after awake_s, wake every wake_s
  std::uint32_t lifetime_s = 300;
  std::uint32_t awake_s = 10;
  std::uint32_t wake_s = 60;
  std::uint32_t step_s = 30;     // values change (battery step) every step_s
  double fail_update_share = 0;  // firmware updates end with Update Result 8
  double low_battery_share = 0;  // battery starts low and drains without charging
  double offline_share = 0;      // go silent once for offline_s, then register again
  std::uint32_t offline_s = 120;
  double loss = 0;                 // each datagram, either way, lost with this chance
  std::uint32_t reboot_ms = 1000;  // a "reboot" (Execute /3/0/4 or /5/0/2) takes this long
  std::string firmware_version = "1.0.0";
  // DTLS 1.2 PSK (coaps) for this share of the fleet, against `secure_server`; the PSK
  // identity is the endpoint name and the key `psk_key` (the server must know both: over
  // DTLS it does not provision devices itself).
  double dtls_share = 0;
  Address secure_server{0x7f000001, 5684};
  std::vector<std::uint8_t> psk_key = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  std::uint64_t seed = 1;
};

}  // namespace custos::sim
