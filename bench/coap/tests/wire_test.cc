#include <gtest/gtest.h>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

coap::Message Request(std::uint32_t endpoint, std::uint16_t id) {
  coap::Message m;
  m.type = coap::Type::kConfirmable;
  m.code = coap::codes::kGet;
  m.message_id = id;
  m.token = {static_cast<std::uint8_t>(endpoint >> 24), static_cast<std::uint8_t>(endpoint >> 16),
             static_cast<std::uint8_t>(endpoint >> 8), static_cast<std::uint8_t>(endpoint)};
  return m;
}

TEST(WireTest, TheRequestIsAConfirmableGetWithTheEndpointAsToken) {
  for (const auto& [endpoint, id] :
       {std::pair<std::uint32_t, std::uint16_t>{0, 0}, {999'999, 0xbeef}, {0xffffffff, 0xffff}}) {
    const auto bytes = EncodeRequest(endpoint, id);
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.end()),
              coap::Encode(Request(endpoint, id)));
  }
}

TEST(WireTest, APiggybackedContentAnswerNamesItsEndpointAndId) {
  coap::Message answer = BenchResponse(Request(42, 7));
  answer.type = coap::Type::kAcknowledgement;
  answer.message_id = 7;
  answer.token = Request(42, 7).token;
  const auto reply = ParseReply(coap::Encode(answer));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->endpoint, 42U);
  EXPECT_EQ(reply->message_id, 7);
  EXPECT_FALSE(reply->echoed);
}

TEST(WireTest, TheRequestSentBackIsAnAnswerToo) {
  const auto bytes = EncodeRequest(123'456, 99);
  const auto reply = ParseReply(bytes);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->endpoint, 123'456U);
  EXPECT_EQ(reply->message_id, 99);
  EXPECT_TRUE(reply->echoed);
}

TEST(WireTest, AnythingElseIsNoAnswer) {
  coap::Message empty_ack;
  empty_ack.type = coap::Type::kAcknowledgement;
  empty_ack.message_id = 7;
  coap::Message not_found = Request(1, 7);
  not_found.type = coap::Type::kAcknowledgement;
  not_found.code = coap::codes::kNotFound;
  coap::Message separate = Request(1, 7);  // a CON 2.05 (separate response)
  separate.code = coap::codes::kContent;
  coap::Message short_token = Request(1, 7);
  short_token.type = coap::Type::kAcknowledgement;
  short_token.code = coap::codes::kContent;
  short_token.token = {1};
  coap::Message reset;
  reset.type = coap::Type::kReset;
  for (const auto& message : {empty_ack, not_found, separate, short_token, reset}) {
    EXPECT_FALSE(ParseReply(coap::Encode(message))) << coap::ToString(message.type);
  }
  const std::vector<std::uint8_t> garbage = {0xff, 0x00};
  EXPECT_FALSE(ParseReply(garbage));
  EXPECT_FALSE(ParseReply({}));
}

}  // namespace
}  // namespace custos::coap_bench
