#include <gtest/gtest.h>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::Concat;
using testing::Text;

// RFC 7252 Appendix A, Figure 16: "CON [0x7d34] GET /temperature" answered by
// "ACK [0x7d34] 2.05 Content "22.3 C"". The figure lists the fields; these bytes encode them.
TEST(CodecTest, AppendixAFigure16Request) {
  const auto wire = Concat(Bytes({0x40, 0x01, 0x7d, 0x34, 0xbb}), Text("temperature"));
  auto message = Decode(wire);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->type, Type::kConfirmable);
  EXPECT_EQ(message->code, codes::kGet);
  EXPECT_EQ(message->message_id, 0x7d34);
  EXPECT_TRUE(message->token.empty());
  EXPECT_EQ(UriPath(message->options), "/temperature");
  EXPECT_TRUE(message->payload.empty());

  Message built;
  built.type = Type::kConfirmable;
  built.code = codes::kGet;
  built.message_id = 0x7d34;
  SetUriPath(built.options, "/temperature");
  EXPECT_EQ(Encode(built), wire);
}

TEST(CodecTest, AppendixAFigure16Response) {
  const auto wire = Concat(Bytes({0x60, 0x45, 0x7d, 0x34, 0xff}), Text("22.3 C"));
  Message built;
  built.type = Type::kAcknowledgement;
  built.code = codes::kContent;
  built.message_id = 0x7d34;
  built.payload = Text("22.3 C");
  EXPECT_EQ(Encode(built), wire);
  auto message = Decode(wire);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(*message, built);
}

// A NON GET with a 2-byte token, Uri-Path "rd", Content-Format 40 and Uri-Query "ep=x":
// options 11 (delta 11, len 2), 12 (delta 1, len 1), 15 (delta 3, len 4).
TEST(CodecTest, TokenAndSeveralOptions) {
  const auto wire =
      Concat(Concat(Concat(Bytes({0x52, 0x02, 0x12, 0x34, 0xab, 0xcd, 0xb2}), Text("rd")),
                    Bytes({0x11, 40, 0x34})),
             Text("ep=x"));
  Message built;
  built.type = Type::kNonConfirmable;
  built.code = codes::kPost;
  built.message_id = 0x1234;
  built.token = Bytes({0xab, 0xcd});
  SetUriQuery(built.options, "ep=x");
  SetContentFormat(built.options, content_format::kLinkFormat);
  SetUriPath(built.options, "/rd");
  EXPECT_EQ(Encode(built), wire);
  auto message = Decode(wire);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(*message, built);
}

TEST(CodecTest, EmptyMessages) {
  for (Type type : {Type::kConfirmable, Type::kAcknowledgement, Type::kReset}) {
    Message m;
    m.type = type;
    m.message_id = 7;
    const auto wire = Encode(m);
    EXPECT_EQ(wire, Bytes({0x40 | (static_cast<int>(type) << 4), 0, 0, 7}));
    auto decoded = Decode(wire);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, m);
  }
}

// Hand-computed extended forms: delta 13..268 uses nibble 13 and one byte (delta - 13);
// 269.. uses nibble 14 and two bytes (delta - 269). Lengths likewise.
struct ExtendedCase {
  std::uint16_t number;
  std::size_t length;
  std::vector<std::uint8_t> option_head;
};

TEST(CodecTest, ExtendedDeltaAndLength) {
  const ExtendedCase cases[] = {
      {12, 12, Bytes({0xcc})},
      {13, 0, Bytes({0xd0, 0x00})},
      {60, 4, Bytes({0xd4, 47})},
      {268, 13, Bytes({0xdd, 255, 0x00})},
      {269, 268, Bytes({0xed, 0x00, 0x00, 255})},
      {2000, 269, Bytes({0xee, 0x06, 0xc3, 0x00, 0x00})},
      {65535, 1034, Bytes({0xee, 0xfe, 0xf2, 0x02, 0xfd})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.number);
    Message m;
    m.code = codes::kGet;
    m.message_id = 1;
    m.options.Add(c.number, std::vector<std::uint8_t>(c.length, 0x61));
    const auto wire = Concat(Concat(Bytes({0x40, 0x01, 0x00, 0x01}), c.option_head),
                             std::vector<std::uint8_t>(c.length, 0x61));
    EXPECT_EQ(Encode(m), wire);
    EXPECT_EQ(EncodedSize(m), wire.size());
    auto decoded = Decode(wire);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, m);
  }
}

TEST(CodecTest, RepeatedOptionsUseDeltaZero) {
  const auto wire = Bytes({0x40, 0x01, 0x00, 0x01, 0xb1, 'a', 0x01, 'b', 0x00});
  auto decoded = Decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(UriPath(decoded->options), "/a/b/");
  EXPECT_EQ(Encode(*decoded), wire);
}

struct MalformedCase {
  const char* name;
  std::vector<std::uint8_t> wire;
  std::size_t position;
};

TEST(CodecTest, MalformedMessagesAreRefusedWithTheirOffset) {
  const MalformedCase cases[] = {
      {"short header", Bytes({0x40, 0x01, 0x00}), 3},
      {"version 0", Bytes({0x00, 0x01, 0x00, 0x01}), 0},
      {"version 2", Bytes({0x80, 0x01, 0x00, 0x01}), 0},
      {"token length 9", Bytes({0x49, 0x01, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 0},
      {"token length 15", Bytes({0x4f, 0x01, 0x00, 0x01}), 0},
      {"truncated token", Bytes({0x44, 0x01, 0x00, 0x01, 1, 2}), 6},
      {"delta nibble 15", Bytes({0x40, 0x01, 0x00, 0x01, 0xf0}), 4},
      {"length nibble 15", Bytes({0x40, 0x01, 0x00, 0x01, 0x1f}), 4},
      {"marker without payload", Bytes({0x40, 0x01, 0x00, 0x01, 0xff}), 4},
      {"marker without payload after option", Bytes({0x40, 0x01, 0x00, 0x01, 0xb1, 'a', 0xff}), 6},
      {"truncated 1-byte delta", Bytes({0x40, 0x01, 0x00, 0x01, 0xd0}), 5},
      {"truncated 2-byte delta", Bytes({0x40, 0x01, 0x00, 0x01, 0xe0, 0x00}), 5},
      {"truncated 1-byte length", Bytes({0x40, 0x01, 0x00, 0x01, 0x1d}), 5},
      {"truncated 2-byte length", Bytes({0x40, 0x01, 0x00, 0x01, 0x1e, 0x01}), 5},
      {"truncated length after delta", Bytes({0x40, 0x01, 0x00, 0x01, 0xdd, 0x00}), 6},
      {"value past end", Bytes({0x40, 0x01, 0x00, 0x01, 0xb3, 'a', 'b'}), 4},
      {"number above 65535", Bytes({0x40, 0x01, 0x00, 0x01, 0xe0, 0xff, 0xff}), 4},
      {"empty with token", Bytes({0x41, 0x00, 0x00, 0x01, 0x99}), 0},
      {"empty with option", Bytes({0x40, 0x00, 0x00, 0x01, 0xb0}), 4},
      {"empty with payload", Bytes({0x40, 0x00, 0x00, 0x01, 0xff, 0x01}), 4},
      {"empty NON", Bytes({0x50, 0x00, 0x00, 0x01}), 0},
      {"RST with a code", Bytes({0x70, 0x45, 0x00, 0x01}), 1},
      {"ACK carrying a request", Bytes({0x60, 0x01, 0x00, 0x01}), 1},
      {"reserved class 1", Bytes({0x40, 0x20, 0x00, 0x01}), 1},
      {"reserved class 6", Bytes({0x40, 0xc0, 0x00, 0x01}), 1},
      {"reserved class 7", Bytes({0x40, 0xe1, 0x00, 0x01}), 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto decoded = Decode(c.wire);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, core::ErrorCode::kInvalidArgument);
    ASSERT_TRUE(decoded.error().position.has_value());
    EXPECT_EQ(*decoded.error().position, c.position) << decoded.error().message;
    EXPECT_NE(decoded.error().message.find("at byte " + std::to_string(c.position)),
              std::string::npos)
        << decoded.error().message;
  }
}

TEST(CodecTest, PayloadMayContainMarkerBytes) {
  const auto wire = Bytes({0x40, 0x02, 0x00, 0x01, 0xff, 0xff, 0xff});
  auto decoded = Decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->payload, Bytes({0xff, 0xff}));
}

TEST(CodecTest, HeaderDecodesEvenWhenTheMessageDoesNot) {
  const auto wire = Bytes({0x4c, 0x01, 0xbe, 0xef});  // token length 12
  auto header = DecodeHeader(wire);
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->type, Type::kConfirmable);
  EXPECT_EQ(header->token_length, 12);
  EXPECT_EQ(header->code, codes::kGet);
  EXPECT_EQ(header->message_id, 0xbeef);
  EXPECT_FALSE(Decode(wire));
  EXPECT_FALSE(DecodeHeader(Bytes({0x40, 0x01})));
  EXPECT_FALSE(DecodeHeader(Bytes({0xc0, 0x01, 0x00, 0x00})));
}

TEST(CodecTest, ShouldResetOnlyUndecodableConfirmables) {
  EXPECT_TRUE(ShouldReset(Bytes({0x4c, 0x01, 0x00, 0x01})));         // CON, bad token length
  EXPECT_TRUE(ShouldReset(Bytes({0x40, 0x01, 0x00, 0x01, 0xf0})));   // CON, nibble 15
  EXPECT_TRUE(ShouldReset(Bytes({0x40, 0xe0, 0x00, 0x01})));         // CON, reserved class
  EXPECT_FALSE(ShouldReset(Bytes({0x40, 0x01, 0x00, 0x01})));        // decodes
  EXPECT_FALSE(ShouldReset(Bytes({0x5c, 0x01, 0x00, 0x01})));        // NON: ignore
  EXPECT_FALSE(ShouldReset(Bytes({0x60, 0x01, 0x00, 0x01})));        // ACK with request: ignore
  EXPECT_FALSE(ShouldReset(Bytes({0x70, 0x45, 0x00, 0x01})));        // RST not empty: ignore
  EXPECT_FALSE(ShouldReset(Bytes({0x80, 0x01, 0x00, 0x01, 0xf0})));  // version 2: ignore
  EXPECT_FALSE(ShouldReset(Bytes({0x40, 0x01})));                    // no header: ignore
}

TEST(CodecTest, ValidateAndEncodeInto) {
  Message m;
  m.code = codes::kGet;
  m.message_id = 3;
  m.token = Bytes({1, 2, 3, 4, 5, 6, 7, 8});
  SetUriPath(m.options, "/3/0");
  ASSERT_TRUE(Validate(m));
  std::vector<std::uint8_t> buffer(EncodedSize(m));
  auto written = EncodeInto(m, buffer);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, buffer.size());
  EXPECT_EQ(buffer, Encode(m));

  std::vector<std::uint8_t> small(buffer.size() - 1);
  EXPECT_FALSE(EncodeInto(m, small));

  m.token.push_back(9);
  EXPECT_FALSE(Validate(m));
  EXPECT_FALSE(EncodeInto(m, buffer));

  Message empty_with_payload;
  empty_with_payload.payload = Bytes({1});
  EXPECT_FALSE(Validate(empty_with_payload));
  Message rst_with_code;
  rst_with_code.type = Type::kReset;
  rst_with_code.code = codes::kNotFound;
  EXPECT_FALSE(Validate(rst_with_code));
}

TEST(CodeTest, ClassDetailAndText) {
  EXPECT_EQ(ToString(codes::kContent), "2.05");
  EXPECT_EQ(ToString(codes::kContinue), "2.31");
  EXPECT_EQ(ToString(codes::kRequestEntityIncomplete), "4.08");
  EXPECT_EQ(ToString(codes::kRequestEntityTooLarge), "4.13");
  EXPECT_EQ(ToString(codes::kTooManyRequests), "4.29");
  EXPECT_EQ(ToString(codes::kProxyingNotSupported), "5.05");
  EXPECT_EQ(codes::kNotFound.raw, 0x84);
  EXPECT_EQ(codes::kNotFound.Class(), 4);
  EXPECT_EQ(codes::kNotFound.Detail(), 4);
  EXPECT_TRUE(codes::kDelete.IsRequest());
  EXPECT_TRUE(codes::kBadOption.IsResponse());
  EXPECT_TRUE(codes::kEmpty.IsEmpty());
  EXPECT_TRUE(Code::Of(7, 1).IsReserved());
  EXPECT_STREQ(ToString(Type::kReset), "RST");
}

}  // namespace
}  // namespace custos::coap
