#include "coap/transport/random_source.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace custos::coap::transport {

void RandomSource::Refill() {
  std::size_t filled = 0;
  while (filled < buffer_.size()) {
    const ssize_t got = getrandom(buffer_.data() + filled, buffer_.size() - filled, 0);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
    } else if (got < 0 && errno != EINTR) {
      // getrandom cannot fail on Linux 3.17+ with these arguments; tokens without entropy
      // would make responses spoofable, so better to stop than to go on.
      std::abort();
    }
  }
  used_ = 0;
}

void RandomSource::Fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    if (used_ == buffer_.size()) Refill();
    const std::size_t n = std::min(out.size(), buffer_.size() - used_);
    std::memcpy(out.data(), buffer_.data() + used_, n);
    used_ += n;
    out = out.subspan(n);
  }
}

std::uint16_t RandomSource::Uint16() {
  std::uint8_t bytes[2];
  Fill(bytes);
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

double RandomSource::Fraction() {
  std::uint8_t bytes[4];
  Fill(bytes);
  const std::uint32_t value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                              (std::uint32_t{bytes[2]} << 8) | bytes[3];
  return static_cast<double>(value) / 4294967296.0;
}

}  // namespace custos::coap::transport
