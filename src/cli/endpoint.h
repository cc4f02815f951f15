// Where the server is: the --server URL taken apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/failure.h"

namespace custos::cli {

struct Endpoint {
  std::string host;  // name or address, IPv6 without brackets
  std::uint16_t port = 80;
  std::string base_path;  // a path prefix before /api/v1, "" or "/custos" (no trailing '/')

  // The Host header value: "host", "host:port", "[::1]:port".
  std::string HostHeader() const;
  // "http://host:port/prefix", for messages.
  std::string ToString() const;
};

// Parses an http:// URL with an optional port and path prefix; "host:port" alone means
// http://host:port. https://, user info, a query or a fragment are usage errors (https needs
// a TLS-terminating proxy until the client speaks TLS).
Outcome<Endpoint> ParseServerUrl(std::string_view url);

}  // namespace custos::cli
