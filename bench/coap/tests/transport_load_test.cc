// The load generator against our transport (built only with custos_coap_transport): every
// simulated endpoint is a peer of its own, and each gets the benchmark's answer.
#include <gtest/gtest.h>

#include "coap/transport/endpoint.h"
#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

using std::chrono::milliseconds;

TEST(TransportLoadTest, EveryEndpointBecomesAPeerAndGetsTheBanner) {
  coap::EndpointOptions endpoint_options;
  endpoint_options.listen = "127.0.0.1:0";
  endpoint_options.threads = 2;
  auto endpoint = coap::Endpoint::Start(
      endpoint_options, [](coap::IncomingRequest request, coap::Responder responder) {
        responder.Respond(BenchResponse(request.message));
      });
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message;

  LoadOptions options;
  options.server = "127.0.0.1:" + std::to_string((*endpoint)->port());
  options.endpoints = 3000;
  options.window = 64;
  options.duration = milliseconds(200);
  const auto report = RunLoad(options);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_TRUE(report->warm_up_complete) << report->error;
  EXPECT_GT(report->exchanges, 0U);
  EXPECT_EQ(report->lost(), 0U);
  EXPECT_EQ(report->unexpected, 0U);
  EXPECT_FALSE(report->replies_echoed);
  // ACK header, the 4-byte token, Max-Age (5 bytes), payload marker and the banner.
  EXPECT_EQ(report->reply_bytes, 4 + 4 + 5 + 1 + kBannerSize);
  EXPECT_GE((*endpoint)->stats().peers, 3000U);
}

}  // namespace
}  // namespace custos::coap_bench
