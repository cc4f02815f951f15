// Settings shared by the server and the client role.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "coap/dtls/cipher_suite.h"

namespace custos::coap::dtls {

struct SessionOptions {
  // A handshake not finished this long after it began is dropped with its session
  // (kHandshakeFailed, counted in handshake_timeouts). Measured on the caller's TimePoints.
  std::chrono::milliseconds handshake_timeout{30'000};
  // The first handshake retransmission time-out; it doubles on each retransmission (RFC
  // 6347 §4.2.4.1).
  std::chrono::milliseconds retransmit_timeout{1'000};
  // The largest datagram sent (DTLS header included, IP and UDP headers excluded); a
  // plaintext larger than what fits in one record under it is refused by Seal.
  std::size_t mtu = 1280;
  // Sessions held at once, handshaking or established; beyond it new handshakes are refused.
  std::size_t max_sessions = 100'000;
  // The suites offered (client) or accepted (server), in order of preference; empty means
  // kAllCipherSuites. The server follows the client's preference among those it accepts.
  std::vector<CipherSuite> cipher_suites;
};

}  // namespace custos::coap::dtls
