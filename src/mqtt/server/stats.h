// Counters of the MQTT endpoint, as a snapshot. Part of the front door
// (mqtt/server/server.h). Everything counts since Start() except the gauges marked so.
#pragma once

#include <cstdint>

namespace custos::mqtt::server {

struct Stats {
  std::uint64_t connections_open = 0;  // gauge: sockets open now (devices and operators)
  std::uint64_t sessions = 0;          // gauge: sessions kept, connected or not
  std::uint64_t sockets_accepted = 0;
  std::uint64_t sockets_refused = 0;  // closed at accept: max_connections reached
  std::uint64_t tls_handshake_failures = 0;

  // CONNECT results.
  std::uint64_t connects_accepted = 0;
  std::uint64_t connects_bad_credentials = 0;  // 0x86: unknown user, wrong password or cert
  std::uint64_t connects_not_authorized = 0;   // 0x87: disabled, retired, no role, bad will
  std::uint64_t connects_bad_client_id = 0;    // 0x85
  std::uint64_t connects_rate_limited = 0;     // 0x9F
  std::uint64_t connects_malformed = 0;        // refused by the codec, or unsupported options
  std::uint64_t connects_timed_out = 0;        // no CONNECT within connect_timeout_ms
  std::uint64_t takeovers = 0;                 // a session's connection replaced by a new one

  std::uint64_t packets_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t publishes_in = 0;   // accepted from devices, wills included
  std::uint64_t publishes_out = 0;  // PUBLISH packets written, redeliveries included

  std::uint64_t publishes_refused = 0;   // outside the sender's namespace, or by an operator
  std::uint64_t subscribes_refused = 0;  // filters outside the namespace (counted per filter)
  std::uint64_t protocol_errors = 0;     // connections closed for a malformed or wrong packet
  std::uint64_t keep_alive_timeouts = 0;
  std::uint64_t slow_consumers = 0;     // connections closed: max_outbound_bytes exceeded
  std::uint64_t kicked = 0;             // connections closed because the device was retired,
                                        // disabled or deleted
  std::uint64_t queue_dropped = 0;      // queued messages dropped: session queue full
  std::uint64_t expired_dropped = 0;    // queued messages dropped: Message Expiry passed
  std::uint64_t too_large_dropped = 0;  // messages over the device's Maximum Packet Size
  std::uint64_t wills_published = 0;
};

}  // namespace custos::mqtt::server
