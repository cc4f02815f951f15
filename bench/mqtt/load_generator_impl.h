// Internal to the load generator: the event loop, the per-device client state and the packet
// dispatch shared by the scenarios (load_generator.cc), and one file per scenario.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connection.h"
#include "load_generator.h"

namespace custos::mqtt_bench {

using Clock = std::chrono::steady_clock;

inline double SecondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Client {
  enum class State { kIdle, kTcp, kAwaitConnack, kReady, kFailed };

  std::optional<Connection> connection;
  State state = State::kIdle;
  bool watching_write = false;
  Clock::time_point started{};
  std::uint16_t last_packet_id = 0;
  std::uint16_t receive_maximum = 65535;  // the broker's, from a v5 CONNACK

  // PublishQos1
  int published = 0;
  int acked = 0;
  std::vector<std::pair<std::uint16_t, Clock::time_point>> unacked;

  // RoundTrip
  bool subscribed = false;
  int answered = 0;
  std::string awaited_rid;
  Clock::time_point request_sent{};

  std::uint16_t NextPacketId() {
    if (++last_packet_id == 0) last_packet_id = 1;
    return last_packet_id;
  }
};

class LoadGenerator::Impl {
 public:
  enum class Phase { kNone, kConnect, kPublish, kRoundTrip };

  Impl(LoadOptions options, std::vector<Device> devices, int epoll_fd);
  ~Impl();

  ConnectResult ConnectStorm(std::size_t count);
  core::Result<void> StartResponder(const Device& responder);
  PublishResult PublishQos1(std::size_t clients, int messages, int inflight,
                            std::size_t payload_size);
  RoundTripResult RoundTrip(std::size_t clients, int requests);
  void Idle(std::chrono::milliseconds duration);
  void DisconnectAll();

 private:
  // Opens client `index`'s TCP connection and watches it; false (with `error_`) if it fails.
  bool StartConnect(std::size_t index);
  // Waits for socket events up to `timeout_ms` and handles them.
  void Poll(int timeout_ms);
  void HandleEvent(std::size_t index, std::uint32_t events);
  void HandlePacket(std::size_t index, mqtt::Packet& packet);
  void HandlePublish(std::size_t index, const mqtt::Publish& publish);
  void HandleResponderPublish(const mqtt::Publish& publish);
  // Sends what waits and updates the epoll interest to match.
  void Flush(std::size_t index);
  void Watch(std::size_t index);
  // Closes client `index` and records why.
  void Fail(std::size_t index, const std::string& why);
  void Queue(std::size_t index, const mqtt::Packet& packet);
  // Runs the loop until `done` or the phase's deadline; false when the deadline came first.
  bool RunUntil(const std::function<bool()>& done);

  void QueueReport(std::size_t index);
  void QueueRequest(std::size_t index);

  const Device& DeviceOf(std::size_t index) const;
  bool IsResponder(std::size_t index) const { return index == devices_.size(); }

  LoadOptions options_;
  std::vector<Device> devices_;
  Device responder_;
  std::vector<Client> clients_;  // one per device, then the responder
  int epoll_fd_;
  Phase phase_ = Phase::kNone;

  // The phase in progress.
  std::size_t in_progress_ = 0;
  std::size_t finished_ = 0;
  std::size_t failed_ = 0;
  std::string first_error_;
  LatencySamples latency_;
  Clock::time_point last_done_{};
  int messages_ = 0;
  int inflight_ = 0;
  std::size_t payload_size_ = 64;
  std::size_t refused_ = 0;
  std::uint32_t sequence_ = 0;
  std::uint64_t request_counter_ = 0;
};

}  // namespace custos::mqtt_bench
