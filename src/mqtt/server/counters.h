// The live counters behind Stats: relaxed atomics, bumped from any thread. Internal to the
// mqtt/server module.
#pragma once

#include <atomic>
#include <cstdint>

#include "mqtt/server/stats.h"

namespace custos::mqtt::server {

// Every Stats field but `sessions`, a gauge read from the session registry. Listed once, so
// that a field cannot be counted and then forgotten in the snapshot.
// clang-format off
#define CUSTOS_MQTT_SERVER_COUNTERS(X) \
  X(connections_open) \
  X(sockets_accepted) \
  X(sockets_refused) \
  X(tls_handshake_failures) \
  X(connects_accepted) \
  X(connects_bad_credentials) \
  X(connects_not_authorized) \
  X(connects_bad_client_id) \
  X(connects_rate_limited) \
  X(connects_malformed) \
  X(connects_timed_out) \
  X(takeovers) \
  X(packets_in) \
  X(packets_out) \
  X(bytes_in) \
  X(bytes_out) \
  X(publishes_in) \
  X(publishes_out) \
  X(publishes_refused) \
  X(subscribes_refused) \
  X(protocol_errors) \
  X(keep_alive_timeouts) \
  X(slow_consumers) \
  X(kicked) \
  X(queue_dropped) \
  X(expired_dropped) \
  X(too_large_dropped) \
  X(wills_published)
// clang-format on

struct Counters {
#define CUSTOS_MQTT_DECLARE(name) std::atomic<std::uint64_t> name{0};
  CUSTOS_MQTT_SERVER_COUNTERS(CUSTOS_MQTT_DECLARE)
#undef CUSTOS_MQTT_DECLARE

  // The counters as a Stats value; `sessions` is left for the caller.
  Stats Snapshot() const {
    Stats s;
#define CUSTOS_MQTT_COPY(name) s.name = name.load(std::memory_order_relaxed);
    CUSTOS_MQTT_SERVER_COUNTERS(CUSTOS_MQTT_COPY)
#undef CUSTOS_MQTT_COPY
    return s;
  }
};

// Adds `n` to a counter; relaxed, for figures only.
inline void Bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace custos::mqtt::server
