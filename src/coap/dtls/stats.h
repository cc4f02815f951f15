// Counters of a DTLS server or client, for /metrics (EndpointStats::dtls_*). Monotonic
// since creation; the session count is a separate gauge (sessions()).
#pragma once

#include <cstdint>

namespace custos::coap::dtls {

struct Stats {
  std::uint64_t handshakes = 0;  // handshakes completed
  // Handshakes that ended without a session, time-outs included.
  std::uint64_t handshake_failures = 0;
  std::uint64_t handshake_timeouts = 0;  // of which: not finished within the handshake time-out
  std::uint64_t cookies_sent = 0;        // HelloVerifyRequests (server only)
  // Datagrams or records that had no effect: not DTLS, not for any session, failing
  // authentication, replayed, out of place in the handshake, or alerts of level warning.
  std::uint64_t records_dropped = 0;
  std::uint64_t sessions_refused = 0;  // new handshakes refused because max_sessions were open
  std::uint64_t sessions_closed = 0;   // established sessions that ended, for any reason
};

}  // namespace custos::coap::dtls
