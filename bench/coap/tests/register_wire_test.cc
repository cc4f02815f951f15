// The registration storm's datagrams: the Register each endpoint sends, and the answers that
// complete it (piggybacked, or separate after an empty ACK).
#include <gtest/gtest.h>

#include <string>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

coap::Message DecodeRegister(std::uint32_t endpoint, std::uint16_t id) {
  std::array<std::uint8_t, kMaxRequestSize> buffer{};
  const std::size_t size = EncodeRequest(Scenario::kRegister, endpoint, id, buffer);
  auto decoded = coap::Decode(std::span<const std::uint8_t>(buffer.data(), size));
  EXPECT_TRUE(decoded);
  return decoded ? *decoded : coap::Message{};
}

TEST(RegisterWireTest, TheRequestIsAnLwm2mRegisterNamedAfterTheEndpoint) {
  const coap::Message m = DecodeRegister(0x00abcdef, 0x1234);
  EXPECT_EQ(m.type, coap::Type::kConfirmable);
  EXPECT_EQ(m.code, coap::codes::kPost);
  EXPECT_EQ(m.message_id, 0x1234);
  EXPECT_EQ(m.token, (std::vector<std::uint8_t>{0x00, 0xab, 0xcd, 0xef}));
  EXPECT_EQ(coap::UriPath(m.options), "/rd");
  EXPECT_EQ(m.options.GetStrings(coap::option::kUriQuery),
            (std::vector<std::string>{"ep=bench-00abcdef", "lt=86400", "b=U"}));
  EXPECT_EQ(coap::ContentFormat(m.options), 40);
  EXPECT_EQ(std::string(m.payload.begin(), m.payload.end()), "</1>,</3/0>,</4/0>");
  EXPECT_EQ(coap::UriPath(DecodeRegister(1, 1).options), "/rd");
  EXPECT_EQ(DecodeRegister(1, 1).options.GetStrings(coap::option::kUriQuery)[0],
            "ep=bench-00000001");
}

TEST(RegisterWireTest, PiggybackedAndSeparateAnswersComplete) {
  coap::Message created;
  created.type = coap::Type::kAcknowledgement;
  created.code = coap::codes::kCreated;
  created.message_id = 9;
  created.token = {0, 0, 0, 5};
  auto piggybacked = ParseReply(coap::Encode(created), Scenario::kRegister);
  ASSERT_TRUE(piggybacked);
  EXPECT_EQ(piggybacked->endpoint, 5u);
  EXPECT_FALSE(piggybacked->separate);
  EXPECT_FALSE(ParseReply(coap::Encode(created), Scenario::kGet)) << "a GET wants 2.05";

  created.type = coap::Type::kConfirmable;
  created.message_id = 777;
  auto separate = ParseReply(coap::Encode(created), Scenario::kRegister);
  ASSERT_TRUE(separate);
  EXPECT_TRUE(separate->separate);
  EXPECT_EQ(separate->message_id, 777);

  coap::Message empty_ack;
  empty_ack.type = coap::Type::kAcknowledgement;
  empty_ack.message_id = 9;
  EXPECT_FALSE(ParseReply(coap::Encode(empty_ack), Scenario::kRegister));
}

}  // namespace
}  // namespace custos::coap_bench
