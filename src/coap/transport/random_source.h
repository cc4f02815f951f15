// Random bytes for tokens (RFC 7252 §5.3.1), first message ids (§4.4) and retransmission
// jitter (§4.2), straight from the kernel's CSPRNG (getrandom), drawn in blocks so that a
// token costs no system call. Each I/O thread owns one; it is not thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace custos::coap::transport {

class RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out);
  std::uint16_t Uint16();
  // Uniform in [0, 1).
  double Fraction();

 private:
  void Refill();

  std::array<std::uint8_t, 512> buffer_{};
  std::size_t used_ = buffer_.size();
};

}  // namespace custos::coap::transport
