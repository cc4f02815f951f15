#include "coap/transmission.h"

#include <algorithm>

namespace custos::coap {
namespace {

Duration Scale(Duration d, double factor) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double, Duration::period>(static_cast<double>(d.count()) * factor));
}

}  // namespace

Duration TransmissionParams::MaxTransmitSpan() const {
  const double backoffs = static_cast<double>((1LL << max_retransmit) - 1);
  return Scale(ack_timeout, backoffs * ack_random_factor);
}

Duration TransmissionParams::MaxTransmitWait() const {
  const double backoffs = static_cast<double>((1LL << (max_retransmit + 1)) - 1);
  return Scale(ack_timeout, backoffs * ack_random_factor);
}

Duration TransmissionParams::MaxRtt() const { return 2 * MaxLatency() + ProcessingDelay(); }

Duration TransmissionParams::ExchangeLifetime() const {
  return MaxTransmitSpan() + 2 * MaxLatency() + ProcessingDelay();
}

Duration TransmissionParams::NonLifetime() const { return MaxTransmitSpan() + MaxLatency(); }

Duration TransmissionParams::InitialTimeout(double fraction) const {
  fraction = std::clamp(fraction, 0.0, 1.0);
  return Scale(ack_timeout, 1.0 + fraction * (ack_random_factor - 1.0));
}

}  // namespace custos::coap
