#include <gtest/gtest.h>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

TEST(EndpointSpaceTest, EveryEndpointIsFoundAgainFromItsSocketAndAddress) {
  const EndpointSpace space(4);
  const std::size_t endpoints = 1'000'000;
  for (std::uint32_t k : {0U, 1U, 2U, 3U, 4U, 5U, 65'535U, 65'536U, 999'998U, 999'999U}) {
    const auto found = space.EndpointAt(space.SocketOf(k), space.AddressOf(k), endpoints);
    ASSERT_TRUE(found.has_value()) << k;
    EXPECT_EQ(*found, k);
  }
}

TEST(EndpointSpaceTest, ConsecutiveEndpointsTakeTurnsOnTheSockets) {
  const EndpointSpace space(4);
  EXPECT_EQ(space.SocketOf(0), 0U);
  EXPECT_EQ(space.SocketOf(1), 1U);
  EXPECT_EQ(space.SocketOf(4), 0U);
  EXPECT_EQ(space.AddressOf(0), space.AddressOf(3));
  EXPECT_EQ(space.AddressOf(4), space.AddressOf(0) + 1);
}

TEST(EndpointSpaceTest, AMillionEndpointsOnFourSocketsStayInLoopbackAwayFromTheServer) {
  const EndpointSpace space(4);
  EXPECT_EQ(space.AddressOf(0), 0x7f010000U);                  // 127.1.0.0
  EXPECT_EQ(space.AddressOf(999'999), 0x7f010000U + 249'999);  // 127.4.208.143
  EXPECT_GE(space.Capacity(), 4U * 16'000'000U);
  EXPECT_LE(space.AddressOf(static_cast<std::uint32_t>(space.Capacity() - 1)), 0x7ffffffeU);
}

TEST(EndpointSpaceTest, RefusesWhatNamesNoEndpoint) {
  const EndpointSpace space(4);
  EXPECT_FALSE(space.EndpointAt(4, space.AddressOf(0), 100));                      // no such socket
  EXPECT_FALSE(space.EndpointAt(0, 0x7f000001, 100));                              // 127.0.0.1
  EXPECT_FALSE(space.EndpointAt(0, 0x7fffffff, 100));                              // broadcast
  EXPECT_FALSE(space.EndpointAt(0, 0x0a000001, 100));                              // 10.0.0.1
  EXPECT_FALSE(space.EndpointAt(space.SocketOf(100), space.AddressOf(100), 100));  // >= N
  EXPECT_TRUE(space.EndpointAt(space.SocketOf(99), space.AddressOf(99), 100));
}

}  // namespace
}  // namespace custos::coap_bench
