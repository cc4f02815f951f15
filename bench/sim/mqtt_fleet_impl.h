// Internal to the simulated MQTT fleet: the per-device state, the timers and the loop
// (mqtt_fleet.cc), and what a device does with its packets and operations
// (mqtt_fleet_device.cc).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "connection.h"
#include "mqtt_fleet.h"
#include "mqtt_http_download.h"

namespace custos::sim {

using SimClock = std::chrono::steady_clock;

struct SimDevice {
  enum class State { kIdle, kTcp, kAwaitConnack, kOnline, kAway };

  mqtt_bench::Device credentials;
  MqttDeviceProfile profile;
  mqtt::Version version = mqtt::Version::kV5;
  in_addr source{};
  State state = State::kIdle;
  std::optional<mqtt_bench::Connection> connection;
  bool watching_write = false;
  bool flush_scheduled = false;  // queued bytes wait for the network delay
  std::uint64_t epoch = 0;       // changes with every connection: older timers are void
  std::uint16_t last_packet_id = 0;
  std::uint64_t telemetry_sequence = 0;
  std::int64_t desired_version = 0;
  // The PUBACK after which the device reboots (its reboot result was taken).
  std::uint16_t reboot_after_packet = 0;
  // A firmware update under way.
  std::optional<MqttOperation> firmware;
  std::unique_ptr<HttpDownload> download;
  bool download_waiting = false;  // queued for a download slot
  int progress_reported = 0;
  std::uint64_t bytes_counted = 0;
  // Results to report once connected again (after the reboot that installs firmware, or
  // when they ended while the device was away): topic suffix and payload.
  std::vector<std::pair<std::string, std::string>> pending_results;
  // Results of operations already run, by id: a repeated delivery gets the same answer.
  std::unordered_map<std::string, std::string> results;

  std::uint16_t NextPacketId() {
    if (++last_packet_id == 0) last_packet_id = 1;
    return last_packet_id;
  }
};

class MqttFleet::Impl {
 public:
  enum class TimerKind : std::uint8_t { kConnect, kTelemetry, kPing, kGoOffline, kFlush };

  Impl(MqttFleetOptions options, std::vector<SimDevice> devices, int epoll_fd,
       std::size_t download_slots);
  ~Impl();

  void Run(std::chrono::milliseconds duration, std::chrono::milliseconds report_every,
           const std::function<void(const MqttReport&)>& live);
  void Stop() { stopping_.store(true); }
  MqttReport Report() const;

  // ---- mqtt_fleet.cc: connections, timers, the loop
  void Schedule(std::size_t index, TimerKind kind, double seconds_from_now);
  void StartConnect(std::size_t index);
  // Ends the device's connection (with a DISCONNECT first when `graceful`) and has it connect
  // again after `away_s`.
  void GoAway(std::size_t index, double away_s, bool graceful, const std::string& why);
  void Queue(std::size_t index, const mqtt::Packet& packet);
  // Sends what the device queued: at once, or after the simulated network delay.
  void Flush(std::size_t index);
  void FlushNow(std::size_t index);
  void Watch(std::size_t index);
  // Counts an error; the first one's text is kept for the report.
  void Error(const std::string& why);
  void RecordFirst(const std::string& why);

  // ---- mqtt_fleet_device.cc: what a device does
  void OnConnected(std::size_t index);
  void HandlePacket(std::size_t index, mqtt::Packet& packet);
  // Publishes at QoS 1 (QoS 0 when `qos0`); the packet id, or 0 when offline.
  std::uint16_t Publish(std::size_t index, const std::string& suffix, const std::string& payload,
                        bool qos0 = false);
  void HandleOperation(std::size_t index, MqttOperation op);
  void HandleDesired(std::size_t index, std::string_view payload);
  // Reports the result of operation `id` (now, or after the next connect if offline).
  void Finish(std::size_t index, const std::string& id, bool succeeded, const std::string& message,
              const std::string& firmware_version);
  void StartDownload(std::size_t index);
  void OnDownloadReady(std::size_t index);
  void EndDownload(std::size_t index);

  MqttFleetOptions options_;
  std::vector<SimDevice> devices_;
  int epoll_fd_;
  MqttCounters counters_;
  std::atomic<bool> stopping_{false};
  std::atomic<SimClock::rep> started_{0};  // time_since_epoch of Run's start; 0 before
  SimClock::time_point now_{};
  std::mt19937_64 random_;
  std::size_t download_slots_;
  std::size_t downloads_running_ = 0;
  std::queue<std::size_t> downloads_waiting_;
  mutable std::mutex error_mu_;
  std::string first_error_;

 private:
  struct Timer {
    SimClock::time_point when;
    std::uint32_t device;
    TimerKind kind;
    std::uint64_t epoch;
    bool operator>(const Timer& other) const { return when > other.when; }
  };
  void RunTimers();
  void OnTimer(const Timer& timer);
  void HandleEvent(std::uint64_t data, std::uint32_t events);
  void DisconnectAll();

  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
};

// epoll data: the device index, and whether the event is for its firmware download.
inline constexpr std::uint64_t kDownloadBit = 1ull << 63;

}  // namespace custos::sim
