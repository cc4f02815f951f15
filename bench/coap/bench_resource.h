// What custos_coap_bench_server answers: the same datagram size as libcoap's coap-server
// gives for GET "/" (ACK, 2.05, the request's token, Max-Age 196607 and a 136-byte banner:
// 147 bytes with a 1-byte token, measured with coap-client-notls -v 7), so that our
// transport and libcoap send equal work back. (coap-client prints one newline more.)
#pragma once

#include <cstddef>

#include "coap/coap.h"

namespace custos::coap_bench {

inline constexpr std::size_t kBannerSize = 136;

// 2.05 Content with Max-Age and the banner for a GET; 4.05 Method Not Allowed otherwise.
// Type, id and token are left to the transport.
coap::Message BenchResponse(const coap::Message& request);

}  // namespace custos::coap_bench
