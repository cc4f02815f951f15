#include "bench_resource.h"

#include <string_view>

namespace custos::coap_bench {
namespace {

constexpr std::string_view kBanner =
    "Custos CoAP benchmark: this answer is as long as the banner of libcoap's coap-server\n"
    "on \"/\", so every server sends back the same bytes.\n";
static_assert(kBanner.size() == kBannerSize);

// libcoap's coap-server sets Max-Age 0x2ffff on "/".
constexpr std::uint32_t kMaxAge = 196607;

}  // namespace

coap::Message BenchResponse(const coap::Message& request) {
  coap::Message response;
  if (request.code != coap::codes::kGet) {
    response.code = coap::codes::kMethodNotAllowed;
    return response;
  }
  response.code = coap::codes::kContent;
  response.options.Add(coap::option::kMaxAge, coap::EncodeUint(kMaxAge));
  response.payload.assign(kBanner.begin(), kBanner.end());
  return response;
}

}  // namespace custos::coap_bench
