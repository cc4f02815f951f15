// The load generator: many simulated devices, each its own TCP connection, client id, user
// name and password, driven by one thread with epoll, the same way against any broker. The
// scenarios run one after another on the same connections:
// - ConnectStorm: devices connect with at most `connect_window` handshakes in progress;
//   connects/s over the whole storm and CONNACK latency from the TCP connect() call. The
//   devices then stay connected (idle) until DisconnectAll.
// - PublishQos1: the first `clients` connected devices each publish `messages` QoS 1
//   messages to devices/{name}/state/reported, at most `inflight` unacknowledged at a time
//   (lowered to a v5 broker's Receive Maximum); PUBACKs/s and PUBLISH-to-PUBACK latency.
// - RoundTrip: the first `clients` devices subscribe to their replies, then each sends
//   `requests` requests {"method":"time"} one after another (QoS 1, one outstanding), the
//   round trip timed from the request's PUBLISH to the reply's arrival. A broker that does not
//   answer requests itself needs a responder (StartResponder): one more client, subscribed to
//   devices/+/requests/#, that publishes a reply shaped as the contract's for every request.
// A scenario in which any device fails (refused, disconnected, a negative v5 reason code, not
// done before `phase_timeout`) reports an error.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "device_list.h"
#include "latency_samples.h"
#include "mqtt/mqtt.h"

namespace custos::mqtt_bench {

struct LoadOptions {
  sockaddr_in server{};
  mqtt::Version version = mqtt::Version::kV5;
  std::uint16_t keep_alive_s = 900;  // long enough that no PINGREQ is due during a run
  in_addr source_base{};             // devices connect from base, base + 1, ... (source_address.h)
  std::uint32_t per_address = 1000;
  std::size_t connect_window = 256;
  std::chrono::milliseconds phase_timeout{120'000};
};

struct ConnectResult {
  std::size_t attempted = 0;
  std::size_t connected = 0;
  double seconds = 0;  // from the first connect() to the last CONNACK
  double per_s = 0;
  LatencySamples latency;
  std::string error;  // empty when every device connected
};

struct PublishResult {
  std::size_t clients = 0;
  int messages_per_client = 0;
  int inflight = 0;  // per client, after the broker's Receive Maximum
  std::size_t acked = 0;
  std::size_t refused = 0;  // v5 PUBACKs with a failure reason code
  double seconds = 0;       // from the first PUBLISH to the last PUBACK
  double per_s = 0;
  LatencySamples latency;
  std::string error;
};

struct RoundTripResult {
  std::size_t clients = 0;
  int requests_per_client = 0;
  std::size_t completed = 0;
  double seconds = 0;
  LatencySamples latency;
  std::string error;
};

class LoadGenerator {
 public:
  // kUnavailable if epoll cannot be set up.
  static core::Result<std::unique_ptr<LoadGenerator>> Create(LoadOptions options,
                                                             std::vector<Device> devices);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Connects the first `count` devices (at most the list's size) and keeps them connected.
  ConnectResult ConnectStorm(std::size_t count);

  // Connects `responder` (its name as client id and user name) and subscribes it to
  // devices/+/requests/#; an error if the broker refuses either.
  core::Result<void> StartResponder(const Device& responder);

  PublishResult PublishQos1(std::size_t clients, int messages, int inflight,
                            std::size_t payload_size);
  RoundTripResult RoundTrip(std::size_t clients, int requests);

  // Serves the connections for `duration`: acknowledges what arrives, sends nothing else.
  void Idle(std::chrono::milliseconds duration);

  // Sends DISCONNECT on every connection and closes it.
  void DisconnectAll();

  class Impl;

 private:
  explicit LoadGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::mqtt_bench
