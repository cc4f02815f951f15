// A fleet of simulated LwM2M devices over plain CoAP, as pure logic: datagrams in
// (OnDatagram), datagrams out (through an Outbox), time passed in by the caller and timers
// run by RunDue, so tests drive it with a fake clock and the runner with epoll and the
// monotonic clock. One thread; no socket or thread per device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <queue>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coap/coap.h"
#include "coap/dtls/dtls.h"
#include "device.h"
#include "device_values.h"
#include "lwm2m_config.h"
#include "sim_sockets.h"
#include "sim_stats.h"

namespace custos::sim {

// Where the fleet's datagrams go.
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Sends `bytes` from device `device`'s own address and port to `to`.
  virtual void Send(std::uint32_t device, Address to, std::span<const std::uint8_t> bytes) = 0;
};

class Fleet {
 public:
  // RFC 7252 §4.8 transmission parameters.
  static constexpr std::uint32_t kAckTimeoutMs = 2000;
  static constexpr std::uint8_t kMaxRetransmit = 4;
  // How long a request that got its empty ACK waits for the separate response: §4.8.2's
  // EXCHANGE_LIFETIME, so that a server with a backlog is not sent the same Register again.
  static constexpr TimeMs kSeparateWaitMs = 247'000;

  Fleet(Lwm2mConfig config, Outbox& outbox);

  // Schedules every device's first Register, config.ramp_per_s a second from `now`.
  void Start(TimeMs now);
  // A datagram from `from` to device `device`.
  void OnDatagram(std::uint32_t device, Address from, std::span<const std::uint8_t> bytes,
                  TimeMs now);
  // Runs every timer due at or before `now`.
  void RunDue(TimeMs now);
  // The earliest pending timer, or kNever.
  TimeMs NextDeadline() const;

  // The counters, with the gauges (registered, sleeping, offline) filled in.
  Lwm2mStats Stats() const;
  const Device& device(std::uint32_t index) const { return devices_[index]; }
  std::size_t size() const { return devices_.size(); }
  // config.prefix + (config.first + index).
  std::string EndpointName(std::uint32_t index) const;
  // The bytes the fleet holds per device when idle: its state and its timer heap entry.
  static std::size_t BytesPerDevice();
  const Lwm2mConfig& config() const { return config_; }

 private:
  // A firmware package on its way in, pulled (Package URI) or pushed (/5/0/0).
  struct Transfer {
    Address from;
    std::string path;
    std::uint32_t next_block = 0;
    std::uint8_t szx = 6;
    std::uint64_t size = 0;
    std::string head;     // the package's first bytes, up to its first newline
    std::string version;  // once downloaded and checked
  };
  struct Due {
    TimeMs at;
    std::uint32_t device;
    bool operator>(const Due& other) const { return at > other.at; }
  };

  // fleet.cc: registration, timers and the exchange in flight.
  void Rearm(std::uint32_t d);
  void OnTimer(std::uint32_t d, TimeMs now);
  void PhaseTimer(std::uint32_t d, TimeMs now);
  void StartRegistering(std::uint32_t d, TimeMs now);
  void NextExchange(std::uint32_t d, TimeMs now);
  void StartExchange(std::uint32_t d, Exchange kind, TimeMs now);
  void SendExchange(std::uint32_t d);
  void Retransmit(std::uint32_t d, TimeMs now);
  void ExchangeFailed(std::uint32_t d, TimeMs now, bool timed_out);
  void AbandonExchange(std::uint32_t d);
  void OnResponse(std::uint32_t d, const coap::Message& response, TimeMs now);
  void Registered(std::uint32_t d, const coap::Message& response, TimeMs now);
  void ScheduleUpdate(std::uint32_t d, TimeMs now);
  void Step(std::uint32_t d, TimeMs now);
  void Transmit(std::uint32_t d, Address to, const coap::Message& message);
  coap::Message RegisterRequest(std::uint32_t d) const;
  DeviceIdentity IdentityOf(std::uint32_t d, TimeMs now) const;

  // fleet_requests.cc: the server's requests.
  void OnRequest(std::uint32_t d, Address from, const coap::Message& request, TimeMs now);
  coap::Message Answer(std::uint32_t d, const coap::Message& request, TimeMs now);
  coap::Message Read(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                     TimeMs now);
  coap::Message Write(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                      TimeMs now);
  coap::Message Execute(std::uint32_t d, const lwm2m::Path& path, TimeMs now);
  coap::Message Observe(std::uint32_t d, const lwm2m::Path& path, const coap::Message& request,
                        TimeMs now);
  coap::Message WriteAttributes(std::uint32_t d, const coap::Message& request);
  // Sends the notifications that are due: values changed past pmin, or pmax passed.
  void Notify(std::uint32_t d, TimeMs now);
  core::Result<std::pair<std::uint16_t, std::vector<std::uint8_t>>> Encode(
      std::uint32_t d, const lwm2m::Path& path, std::optional<std::uint16_t> accept,
      TimeMs now) const;

  // fleet_firmware.cc: Object 5.
  void SetPackageUri(std::uint32_t d, const std::string& uri, TimeMs now);
  coap::Message PushBlock(std::uint32_t d, const coap::Message& request, TimeMs now);
  coap::Message DownloadRequest(std::uint32_t d) const;
  void OnDownloadBlock(std::uint32_t d, const coap::Message& response, TimeMs now);
  void PackageComplete(std::uint32_t d, TimeMs now);
  void DownloadFailed(std::uint32_t d, std::uint8_t result, TimeMs now);
  coap::Message ExecuteUpdate(std::uint32_t d, TimeMs now);
  void FinishUpdate(std::uint32_t d, TimeMs now);
  void SetFirmwareState(std::uint32_t d, std::uint8_t state, std::uint8_t result, TimeMs now);

  // fleet_dtls.cc: DTLS PSK devices. Their CoAP messages travel through one sans-I/O DTLS
  // client in which each device's session is keyed by a made-up peer (its number), so one
  // client serves the whole fleet.
  void StartHandshake(std::uint32_t d, TimeMs now);
  void OnSecureDatagram(std::uint32_t d, std::span<const std::uint8_t> bytes, TimeMs now);
  void HandleDtlsOutput(coap::dtls::Output output, TimeMs now);
  void EndSession(std::uint32_t d);
  void SendSecure(std::uint32_t d, std::span<const std::uint8_t> plaintext);
  void OnMessage(std::uint32_t d, Address from, std::span<const std::uint8_t> bytes, TimeMs now);

  bool Lost();
  std::uint64_t Hash(std::uint32_t d, std::uint64_t salt) const;

  Lwm2mConfig config_;
  Outbox& outbox_;
  std::vector<Device> devices_;
  std::unordered_map<std::uint32_t, Transfer> transfers_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> timers_;
  // Answers to recent confirmable requests, by device and message ID (RFC 7252 §4.5).
  std::unordered_map<std::uint64_t, std::vector<std::uint8_t>> answered_;
  std::deque<std::pair<std::uint64_t, TimeMs>> answered_order_;  // key, when
  std::string object_links_;
  std::unique_ptr<coap::dtls::Client> dtls_;
  std::mt19937_64 random_;
  Lwm2mStats stats_;
};

}  // namespace custos::sim
