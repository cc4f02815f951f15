#include <gtest/gtest.h>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

TEST(BenchResourceTest, AGetGetsTheBannerWithMaxAgeAsLibcoapServesSlash) {
  coap::Message get;
  get.code = coap::codes::kGet;
  const coap::Message response = BenchResponse(get);
  EXPECT_EQ(response.code, coap::codes::kContent);
  EXPECT_EQ(response.payload.size(), kBannerSize);
  const coap::Option* max_age = response.options.Find(coap::option::kMaxAge);
  ASSERT_NE(max_age, nullptr);
  EXPECT_EQ(coap::DecodeUint(max_age->value), 196607U);
}

TEST(BenchResourceTest, TheDatagramIsAsLargeAsLibcoapsAnswer) {
  // coap-server-notls answers coap-client-notls' GET / (1-byte token) with 147 bytes.
  coap::Message get;
  get.code = coap::codes::kGet;
  coap::Message ack = BenchResponse(get);
  ack.type = coap::Type::kAcknowledgement;
  ack.token = {0x01};
  EXPECT_EQ(coap::EncodedSize(ack), 147U);
}

TEST(BenchResourceTest, OtherMethodsAreNotAllowed) {
  coap::Message post;
  post.code = coap::codes::kPost;
  const coap::Message response = BenchResponse(post);
  EXPECT_EQ(response.code, coap::codes::kMethodNotAllowed);
  EXPECT_TRUE(response.payload.empty());
}

}  // namespace
}  // namespace custos::coap_bench
