#include "coap/transport/listen_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace custos::coap::transport {
namespace {

core::Result<std::uint16_t> ParsePort(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > 65535) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "bad port in listen address \"" + std::string(whole) + "\"");
  }
  return static_cast<std::uint16_t>(value);
}

core::Result<Peer> Invalid(std::string_view whole, const char* why) {
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         "listen address \"" + std::string(whole) + "\": " + why);
}

}  // namespace

core::Result<Peer> ParseListenAddress(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return Invalid(text, "expected HOST:PORT");
  std::string_view host = text.substr(0, colon);
  auto port = ParsePort(text.substr(colon + 1), text);
  if (!port) return tl::unexpected(port.error());

  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    const std::string literal(host.substr(1, host.size() - 2));
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, literal.c_str(), bytes.data()) != 1) {
      return Invalid(text, "not an IPv6 address");
    }
    return Peer::V6(bytes, *port);
  }
  if (host == "localhost") return Peer::V4({127, 0, 0, 1}, *port);
  const std::string literal(host);
  std::array<std::uint8_t, 4> bytes{};
  if (inet_pton(AF_INET, literal.c_str(), bytes.data()) != 1) {
    return Invalid(text, "the host must be an IPv4 address, [IPv6 address] or localhost");
  }
  return Peer::V4(bytes, *port);
}

std::string FormatHostPort(const Peer& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.address_size == 4) {
    inet_ntop(AF_INET, address.address.data(), text, sizeof text);
    return std::string(text) + ":" + std::to_string(address.port);
  }
  inet_ntop(AF_INET6, address.address.data(), text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(address.port);
}

}  // namespace custos::coap::transport
