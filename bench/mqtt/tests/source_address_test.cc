#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "mqtt_bench.h"

namespace custos::mqtt_bench {
namespace {

std::string Text(in_addr address) {
  char buffer[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &address, buffer, sizeof buffer);
}

TEST(SourceAddressTest, DevicesShareAnAddressInGroups) {
  const in_addr base = *ParseIpv4("127.10.0.1");
  EXPECT_EQ(Text(*SourceAddressOf(base, 1000, 0)), "127.10.0.1");
  EXPECT_EQ(Text(*SourceAddressOf(base, 1000, 999)), "127.10.0.1");
  EXPECT_EQ(Text(*SourceAddressOf(base, 1000, 1000)), "127.10.0.2");
  EXPECT_EQ(Text(*SourceAddressOf(base, 1, 255)), "127.10.1.0");
}

TEST(SourceAddressTest, StaysInsideLoopback) {
  const in_addr last = *ParseIpv4("127.255.255.254");
  EXPECT_TRUE(SourceAddressOf(last, 1, 1));
  EXPECT_FALSE(SourceAddressOf(last, 1, 2));
  EXPECT_FALSE(SourceAddressOf(last, 0, 0));
}

TEST(SourceAddressTest, ParsesHostAndPort) {
  auto address = ParseHostPort("127.0.0.1:1883");
  ASSERT_TRUE(address);
  EXPECT_EQ(ntohs(address->sin_port), 1883);
  EXPECT_EQ(Text(address->sin_addr), "127.0.0.1");
  EXPECT_FALSE(ParseHostPort("127.0.0.1"));
  EXPECT_FALSE(ParseHostPort("127.0.0.1:0"));
  EXPECT_FALSE(ParseHostPort("127.0.0.1:65536"));
  EXPECT_FALSE(ParseHostPort("localhost:1883"));
  EXPECT_FALSE(ParseHostPort("127.0.0.1:18x"));
}

}  // namespace
}  // namespace custos::mqtt_bench
