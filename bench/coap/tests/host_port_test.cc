#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

TEST(HostPortTest, ParsesAndPrintsIpv4) {
  const auto address = ParseHostPort("127.0.0.1:5683");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(ntohs(address->sin_port), 5683);
  EXPECT_EQ(ntohl(address->sin_addr.s_addr), 0x7f000001U);
  EXPECT_EQ(ToString(*address), "127.0.0.1:5683");
  EXPECT_TRUE(ParseHostPort("0.0.0.0:0").has_value());
}

TEST(HostPortTest, RefusesWhatIsNotIpv4HostAndPort) {
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:56x",
                           "localhost:5683", "[::1]:5683", ":5683"}) {
    const auto address = ParseHostPort(text);
    ASSERT_FALSE(address.has_value()) << text;
    EXPECT_EQ(address.error().code, core::ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace custos::coap_bench
