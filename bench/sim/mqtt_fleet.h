// The simulated MQTT fleet: many devices in one process, each with its own TCP connection,
// client id, credentials and source address in 127.0.0.0/8, driven by one thread with epoll.
// Each device follows the device-management contract (docs/mqtt-contract.md): after CONNACK
// it subscribes to its operations and desired state and publishes its identity and health;
// it sends telemetry at a set rate, answers operations (reboot and factory_reset: result,
// then away and back; firmware_update: HTTP download, size and SHA-256 checked, progress,
// reconnect with the new version, result) and reports desired states as applied. Shares of
// the fleet fail their updates, run low on battery, or drop off now and then.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "device_list.h"
#include "mqtt_behaviour.h"
#include "mqtt_report.h"

namespace custos::sim {

enum class MqttVersionMix { kV311, kV5, kMixed };  // kMixed: even devices v5, odd 3.1.1

struct MqttFleetOptions {
  sockaddr_in server{};
  MqttVersionMix versions = MqttVersionMix::kV5;
  // Devices connect from base (127.0.1.1 unless set), base + 1, ..., per_address each.
  in_addr source_base{htonl(0x7F000101)};
  std::uint32_t per_address = 100;
  double ramp_per_s = 500;        // first connects started per second
  double telemetry_every_s = 60;  // 0: no telemetry
  MqttShares shares;
  double offline_every_s = 60;  // the offline share drops its connection about this often
  double offline_for_s = 10;    // ... and stays away this long
  double reboot_s = 1;          // how long a rebooting device is away
  double reconnect_s = 2;       // how long after a lost connection or a refusal it tries again
  std::uint16_t keep_alive_s = 60;
  // Network delay: what a device sends waits this long before it goes out (packets queued
  // meanwhile go with it). TCP over loopback loses nothing, so there is no loss knob.
  double delay_s = 0;
  std::string http_token;  // sent as a Bearer token with firmware downloads
  std::uint64_t seed = 1;
};

// The most devices one process takes: its open-file limit, less room for downloads and the
// process's own files.
std::size_t MaxDevicesPerProcess();

class MqttFleet {
 public:
  // kInvalidArgument when there are more devices than MaxDevicesPerProcess (the message
  // suggests several processes) or none; kUnavailable if epoll cannot be set up.
  static core::Result<std::unique_ptr<MqttFleet>> Create(MqttFleetOptions options,
                                                         std::vector<mqtt_bench::Device> devices);
  ~MqttFleet();
  MqttFleet(const MqttFleet&) = delete;
  MqttFleet& operator=(const MqttFleet&) = delete;

  // Runs the devices until Stop() or until `duration` passes (zero: until Stop), calling
  // `live` every `report_every` (zero: never), then disconnects them all.
  void Run(std::chrono::milliseconds duration, std::chrono::milliseconds report_every = {},
           const std::function<void(const MqttReport&)>& live = {});
  // Makes Run return soon; safe from any thread and from a signal handler.
  void Stop();
  // The counters now; safe from any thread.
  MqttReport Report() const;

  class Impl;

 private:
  explicit MqttFleet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::sim
