#include "cli/endpoint.h"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace custos::cli {

std::string Endpoint::HostHeader() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string h = ipv6 ? "[" + host + "]" : host;
  if (port != 80) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::ToString() const { return "http://" + HostHeader() + base_path; }

Outcome<Endpoint> ParseServerUrl(std::string_view url) {
  std::string text(url);
  // "localhost:8080" would parse as scheme "localhost"; a server is what users mean.
  if (text.find("://") == std::string::npos) text = "http://" + text;
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    return UsageError(fmt::format("--server {}: not a URL ({})", url, parsed.error().message()));
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() == "https") {
    return UsageError(fmt::format(
        "--server {}: https is not supported yet; use http:// (behind a TLS-terminating proxy "
        "for remote servers)",
        url));
  }
  if (u.scheme() != "http") {
    return UsageError(fmt::format("--server {}: scheme must be http", url));
  }
  if (u.has_userinfo() || u.has_query() || u.has_fragment()) {
    return UsageError(
        fmt::format("--server {}: only scheme, host, port and a path prefix are allowed", url));
  }
  Endpoint e;
  e.host = u.host_address();
  if (e.host.empty()) return UsageError(fmt::format("--server {}: no host", url));
  if (u.has_port()) {
    // port_number() wraps ports over 65535; read the digits ourselves.
    const std::string_view port = u.port();
    unsigned long number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number == 0 ||
        number > 65535) {
      return UsageError(fmt::format("--server {}: bad port", url));
    }
    e.port = static_cast<std::uint16_t>(number);
  }
  e.base_path = u.path();
  while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  return e;
}

}  // namespace custos::cli
