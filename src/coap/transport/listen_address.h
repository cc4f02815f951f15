// The "host:port" text of EndpointOptions::listen, and the socket address it names.
#pragma once

#include <string>
#include <string_view>

#include "coap/coap.h"
#include "core/error.h"

namespace custos::coap::transport {

// Parses "192.0.2.1:5683", "[2001:db8::1]:5683", "[::]:0" or "localhost:5683" (which is
// 127.0.0.1: the loopback address every host has, without asking a resolver). The result
// is a Peer used as a plain address and port. kInvalidArgument for anything else: host
// names are refused, since a listener must not depend on DNS at start-up.
core::Result<Peer> ParseListenAddress(std::string_view text);

// "192.0.2.1:5683" or "[2001:db8::1]:5683", IPv6 in its short form (RFC 5952).
std::string FormatHostPort(const Peer& address);

}  // namespace custos::coap::transport
