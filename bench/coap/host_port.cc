#include "host_port.h"

#include <arpa/inet.h>

#include <charconv>

namespace custos::coap_bench {

core::Result<sockaddr_in> ParseHostPort(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "expected HOST:PORT, got \"" + std::string(text) + "\"");
  }
  const std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty() || inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "expected IPv4 HOST:PORT, got \"" + std::string(text) + "\"");
  }
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

std::string ToString(const sockaddr_in& address) {
  char host[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(address.sin_port));
}

}  // namespace custos::coap_bench
