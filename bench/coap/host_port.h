// "a.b.c.d:port" to a socket address; the benchmark tools speak IPv4 on loopback only.
#pragma once

#include <netinet/in.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace custos::coap_bench {

// kInvalidArgument unless `text` is a dotted IPv4 address, a colon and a port 0..65535.
core::Result<sockaddr_in> ParseHostPort(std::string_view text);

// "a.b.c.d:port".
std::string ToString(const sockaddr_in& address);

}  // namespace custos::coap_bench
