// RFC 7252 §4.8 transmission parameters and the times derived from them (§4.8.2). Time is
// std::chrono::steady_clock's: every reliability function takes `now` from its caller, so
// the state machines never read a clock and tests use fixed instants.
#pragma once

#include <chrono>
#include <cstdint>

namespace custos::coap {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

struct TransmissionParams {
  Duration ack_timeout = std::chrono::seconds(2);
  double ack_random_factor = 1.5;  // at least 1.0
  int max_retransmit = 4;
  int nstart = 1;
  Duration default_leisure = std::chrono::seconds(5);
  std::uint32_t probing_rate = 1;  // bytes per second
  // Not a parameter in §4.8 but an assumption of §4.8.2: the longest a datagram may take
  // from one end to the other.
  Duration max_latency = std::chrono::seconds(100);

  // From the first transmission of a CON to its last retransmission (45 s by default).
  Duration MaxTransmitSpan() const;
  // From the first transmission of a CON to giving up waiting for its ACK (93 s).
  Duration MaxTransmitWait() const;
  Duration MaxLatency() const { return max_latency; }
  // The time a node takes to turn a CON around into its ACK: ACK_TIMEOUT (2 s).
  Duration ProcessingDelay() const { return ack_timeout; }
  // 2 * MAX_LATENCY + PROCESSING_DELAY (202 s).
  Duration MaxRtt() const;
  // How long a message id of a CON stays in use after its first transmission (247 s).
  Duration ExchangeLifetime() const;
  // How long a message id of a NON stays in use after its transmission (145 s).
  Duration NonLifetime() const;
  // The first ACK timeout of a CON: ACK_TIMEOUT * (1 + fraction * (ACK_RANDOM_FACTOR - 1)),
  // uniform in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR] for a uniform fraction in
  // [0, 1). A fraction outside [0, 1] is clamped.
  Duration InitialTimeout(double fraction) const;
};

}  // namespace custos::coap
