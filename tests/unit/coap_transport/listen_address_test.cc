#include "coap/transport/listen_address.h"

#include <gtest/gtest.h>

namespace custos::coap::transport {
namespace {

TEST(ListenAddressTest, ParsesIpv4Ipv6AndLocalhost) {
  auto v4 = ParseListenAddress("192.0.2.7:5683");
  ASSERT_TRUE(v4);
  EXPECT_EQ(*v4, Peer::V4({192, 0, 2, 7}, 5683));

  auto v6 = ParseListenAddress("[2001:db8::1]:0");
  ASSERT_TRUE(v6);
  std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
  bytes[15] = 1;
  EXPECT_EQ(*v6, Peer::V6(bytes, 0));

  auto any6 = ParseListenAddress("[::]:5684");
  ASSERT_TRUE(any6);
  EXPECT_EQ(*any6, Peer::V6({}, 5684));

  auto local = ParseListenAddress("localhost:65535");
  ASSERT_TRUE(local);
  EXPECT_EQ(*local, Peer::V4({127, 0, 0, 1}, 65535));
}

TEST(ListenAddressTest, RefusesAnythingElse) {
  for (const char* text :
       {"", "5683", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:56x",
        "example.com:5683", "::1:5683", "[::1:5683", "[not-v6]:5683", "256.0.0.1:1"}) {
    auto parsed = ParseListenAddress(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ListenAddressTest, FormatsIpv6Short) {
  std::array<std::uint8_t, 16> loopback{};
  loopback[15] = 1;
  EXPECT_EQ(FormatHostPort(Peer::V6(loopback, 5683)), "[::1]:5683");
  EXPECT_EQ(FormatHostPort(Peer::V4({10, 1, 2, 3}, 0)), "10.1.2.3:0");
}

}  // namespace
}  // namespace custos::coap::transport
