#include <gtest/gtest.h>

#include <unordered_set>

#include "coap/coap.h"

namespace custos::coap {
namespace {

TEST(PeerTest, ValueSemantics) {
  const Peer a = Peer::V4({192, 0, 2, 1}, 5683);
  EXPECT_EQ(a, Peer::V4({192, 0, 2, 1}, 5683));
  EXPECT_NE(a, Peer::V4({192, 0, 2, 1}, 5684));
  EXPECT_NE(a, Peer::V4({192, 0, 2, 2}, 5683));
  std::array<std::uint8_t, 16> v6{};
  v6[0] = 192, v6[1] = 0, v6[2] = 2, v6[3] = 1;
  EXPECT_NE(a, Peer::V6(v6, 5683));  // same leading bytes, other family
  EXPECT_LT(Peer::V4({192, 0, 2, 1}, 1), Peer::V4({192, 0, 2, 2}, 1));
  std::unordered_set<Peer> set{a, Peer::V4({192, 0, 2, 1}, 5683), Peer::V6(v6, 5683)};
  EXPECT_EQ(set.size(), 2u);
}

TEST(PeerTest, ToString) {
  EXPECT_EQ(ToString(Peer::V4({192, 0, 2, 1}, 5683)), "192.0.2.1:5683");
  EXPECT_EQ(ToString(Peer::V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5684)),
            "[2001:db8:0:0:0:0:0:1]:5684");
}

}  // namespace
}  // namespace custos::coap
