#include <gtest/gtest.h>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;

const Peer kPeer = Peer::V4({192, 0, 2, 1}, 5683);
const Peer kOther = Peer::V4({192, 0, 2, 2}, 5683);

TEST(MessageIdSourceTest, CountsPerPeerFromARandomStart) {
  MessageIdSource ids;
  EXPECT_EQ(ids.Next(kPeer, 0xfffe), 0xfffe);
  EXPECT_EQ(ids.Next(kPeer, 7), 0xffff);  // the start is used only once
  EXPECT_EQ(ids.Next(kPeer, 7), 0);       // wraps
  EXPECT_EQ(ids.Next(kOther, 100), 100);
  EXPECT_EQ(ids.Next(kPeer, 7), 1);
  EXPECT_EQ(ids.size(), 2u);
  ids.Forget(kPeer);
  EXPECT_EQ(ids.Next(kPeer, 42), 42);
}

TEST(TokenSourceTest, LengthMustBeOneToEight) {
  EXPECT_FALSE(TokenSource::Create(0));
  EXPECT_FALSE(TokenSource::Create(9));
  for (std::size_t n = 1; n <= 8; ++n) {
    auto source = TokenSource::Create(n);
    ASSERT_TRUE(source);
    EXPECT_EQ(source->length(), n);
  }
}

TEST(TokenSourceTest, TakesTheCallersRandomBytes) {
  auto source = TokenSource::Create(4);
  ASSERT_TRUE(source);
  auto token = source->Next(Bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, Bytes({1, 2, 3, 4}));
  auto short_input = source->Next(Bytes({1, 2, 3}));
  ASSERT_FALSE(short_input);
  EXPECT_EQ(short_input.error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace custos::coap
