// Where each simulated device connects from. One loopback address offers about 28,000
// ephemeral ports (32768-60999) towards one server port, and closed connections linger in
// TIME_WAIT; spreading devices over 127.0.0.0/8 removes that limit for any fleet size.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace custos::mqtt_bench {

// Devices [0, per_address) use `base`, the next per_address use base + 1, and so on, in host
// order, staying inside 127.0.0.0/8: nullopt when device `index` would fall outside it or
// per_address is 0.
std::optional<in_addr> SourceAddressOf(in_addr base, std::uint32_t per_address,
                                       std::uint64_t index);

// "a.b.c.d" as an address; nullopt if it is not one.
std::optional<in_addr> ParseIpv4(std::string_view text);

// "HOST:PORT" with a dotted IPv4 host, as a socket address; nullopt if it is not one.
std::optional<sockaddr_in> ParseHostPort(std::string_view text);

}  // namespace custos::mqtt_bench
