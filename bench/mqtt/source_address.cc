#include "source_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace custos::mqtt_bench {

std::optional<in_addr> SourceAddressOf(in_addr base, std::uint32_t per_address,
                                       std::uint64_t index) {
  if (per_address == 0) return std::nullopt;
  const std::uint64_t host = ntohl(base.s_addr) + index / per_address;
  if ((host >> 24) != 127) return std::nullopt;
  in_addr out{};
  out.s_addr = htonl(static_cast<std::uint32_t>(host));
  return out;
}

std::optional<in_addr> ParseIpv4(std::string_view text) {
  in_addr out{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &out) != 1) return std::nullopt;
  return out;
}

std::optional<sockaddr_in> ParseHostPort(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto host = ParseIpv4(text.substr(0, colon));
  if (!host) return std::nullopt;
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return std::nullopt;
  }
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_addr = *host;
  out.sin_port = htons(static_cast<std::uint16_t>(port));
  return out;
}

}  // namespace custos::mqtt_bench
