#include "endpoint_space.h"

#include <algorithm>
#include <limits>

namespace custos::coap_bench {

std::size_t EndpointSpace::Capacity() const {
  // Endpoint numbers are 32-bit (they travel as the token).
  return std::min<std::size_t>(sockets_ * (std::size_t{kLastAddress} - kFirstAddress + 1),
                               std::numeric_limits<std::uint32_t>::max());
}

std::optional<std::uint32_t> EndpointSpace::EndpointAt(std::size_t socket, std::uint32_t address,
                                                       std::size_t endpoints) const {
  if (socket >= sockets_ || address < kFirstAddress || address > kLastAddress) {
    return std::nullopt;
  }
  const std::size_t endpoint = std::size_t{address - kFirstAddress} * sockets_ + socket;
  if (endpoint >= endpoints) return std::nullopt;
  return static_cast<std::uint32_t>(endpoint);
}

}  // namespace custos::coap_bench
