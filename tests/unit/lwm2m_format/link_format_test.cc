#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

std::vector<Link> Parsed(std::string_view text) {
  auto links = ParseLinks(text);
  EXPECT_TRUE(links) << text << ": " << links.error().message;
  return links.value_or(std::vector<Link>{});
}

std::string Serialized(const std::vector<Link>& links) {
  auto text = SerializeLinks(links);
  EXPECT_TRUE(text) << text.error().message;
  return text.value_or("");
}

TEST(LinkFormatTest, ARegistrationPayload) {
  constexpr std::string_view kRegister =
      R"(</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</3/0>,</5>;ver=1.0)";
  auto links = Parsed(kRegister);
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0], (Link{"/", {{"rt", "oma.lwm2m", true}, {"ct", "110", false}}}));
  EXPECT_EQ(links[1], (Link{"/1", {{"ver", "1.1", false}}}));
  EXPECT_EQ(links[2], (Link{"/3/0", {}}));
  EXPECT_EQ(links[3], (Link{"/5", {{"ver", "1.0", false}}}));
  EXPECT_EQ(Serialized(links), kRegister);
  // Blanks around the commas, as some devices send them.
  EXPECT_EQ(Parsed(" </>;rt=\"oma.lwm2m\";ct=110, </1>;ver=1.1,\r\n</3/0> ,</5>;ver=1.0 "), links);
  auto declared = DeclaredContentFormats(links);
  ASSERT_TRUE(declared);
  EXPECT_EQ(*declared, std::vector<std::uint16_t>{110});
}

TEST(LinkFormatTest, RootLinksAndTheirContentFormats) {
  auto formats = [](std::string_view text) {
    auto declared = DeclaredContentFormats(Parsed(text));
    EXPECT_TRUE(declared) << text << ": " << (declared ? "" : declared.error().message);
    return declared.value_or(std::vector<std::uint16_t>{});
  };
  EXPECT_EQ(formats(R"(</>;rt="oma.lwm2m";ct="60 110 112 11542 11543",</3/0>)"),
            (std::vector<std::uint16_t>{60, 110, 112, 11542, 11543}));
  EXPECT_EQ(formats(R"(</lwm2m>;rt="oma.lwm2m";ct=11544,</lwm2m/3/0>)"),
            std::vector<std::uint16_t>{11544});
  EXPECT_EQ(formats("</>;ct=112,</3/0>"), std::vector<std::uint16_t>{112});
  EXPECT_TRUE(formats("</1/0>,</3/0>").empty());
  EXPECT_TRUE(formats(R"(</>;rt="oma.lwm2m",</3/0>)").empty());
  EXPECT_FALSE(DeclaredContentFormats(Parsed(R"(</>;ct="110 x")")));
  EXPECT_FALSE(DeclaredContentFormats(Parsed("</>;ct=65536")));
  EXPECT_FALSE(DeclaredContentFormats(Parsed("</>;ct")));
  auto links = Parsed(R"(</a>;rt="x oma.lwm2m",</>)");
  EXPECT_EQ(FindRootLink(links), &links[0]);
}

TEST(LinkFormatTest, ADiscoverAnswerAndItsAttributes) {
  constexpr std::string_view kDiscover =
      "</3/0>;pmin=10;pmax=60,</3/0/1>,</3/0/2>,</3/0/6>;dim=8,"
      "</3/0/7>;dim=8;gt=50;lt=42.2;st=0.5,</3/0/8>;dim=8;epmin=1;epmax=120";
  auto links = Parsed(kDiscover);
  ASSERT_EQ(links.size(), 6u);
  EXPECT_EQ(Serialized(links), kDiscover);
  auto attributes = [&](std::size_t i) {
    auto a = ReadAttributes(links[i]);
    EXPECT_TRUE(a) << a.error().message;
    return a.value_or(Attributes{});
  };
  EXPECT_EQ(attributes(0).pmin, 10u);
  EXPECT_EQ(attributes(0).pmax, 60u);
  EXPECT_EQ(attributes(1), Attributes{});
  EXPECT_EQ(attributes(3).dim, 8);
  EXPECT_EQ(attributes(4).gt, 50.0);
  EXPECT_EQ(attributes(4).lt, 42.2);
  EXPECT_EQ(attributes(4).st, 0.5);
  EXPECT_EQ(attributes(5).epmax, 120u);
  auto ver = ReadAttributes(Parsed(R"(</3>;ver="1.1")")[0]);
  ASSERT_TRUE(ver);
  EXPECT_EQ(ver->ver, "1.1");
  for (std::string_view text :
       {"</3/0>;pmin=-1", "</3/0>;pmin=1.5", "</3/0>;gt=abc", "</3/0>;dim=65536", "</3>;ver=1",
        "</3>;ver=a.b", "</3/0>;pmax", "</3/0>;pmin=4294967296"}) {
    EXPECT_FALSE(ReadAttributes(Parsed(text)[0])) << text;
  }
}

TEST(LinkFormatTest, QuotingAndEscaping) {
  auto links = Parsed(R"(</a>;title="say \"hi\" \\ ok";rt="a b";obs;ct=0,</b>;x="")");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].Find("title")->value, R"(say "hi" \ ok)");
  EXPECT_EQ(links[0].Find("RT")->value, "a b");
  EXPECT_EQ(links[0].Find("obs")->value, std::nullopt);
  EXPECT_EQ(links[0].Find("nope"), nullptr);
  EXPECT_EQ(links[1].Find("x")->value, "");
  EXPECT_EQ(Serialized(links), R"(</a>;title="say \"hi\" \\ ok";rt="a b";obs;ct=0,</b>;x="")");
  // Values that are not ptokens get quotes whatever the flag says.
  EXPECT_EQ(Serialized({Link{"/x", {{"a", "1,2", false}, {"b", "x y", false}, {"c", "", false}}}}),
            R"(</x>;a="1,2";b="x y";c="")");
  // Percent-encoded targets and the characters of a ptoken.
  EXPECT_EQ(Serialized(Parsed("</a%20b>;v=<x>=:?@[]")), "</a%20b>;v=<x>=:?@[]");
  // UTF-8 in quoted strings.
  EXPECT_EQ(Parsed("</a>;title=\"\xc3\xa9t\xc3\xa9\"")[0].Find("title")->value,
            "\xc3\xa9t\xc3\xa9");
}

TEST(LinkFormatTest, RefusesMalformedLinksWithThePosition) {
  struct Case {
    const char* text;
    std::size_t position;
  };
  for (const auto& [text, position] : std::vector<Case>{
           {"/3/0", 0},
           {"</3/0", 0},
           {"</3 0>", 3},
           {"</3/0>,", 7},
           {"</3/0>,,</4>", 7},
           {"</3/0></4>", 6},
           {"</3/0> ;pmin=1", 7},
           {"</3/0>;", 7},
           {"</3/0>;=1", 7},
           {"</3/0>;pmin=", 12},
           {"</3/0>;pmin=1 0", 14},
           {"</3/0>;rt=\"abc", 10},
           {"</3/0>;rt=\"a\"b", 13},
           {"</3/0>;rt=a\"b", 11},
           {"</3/0>;p\\x=1", 8},
           {"</a%2>", 3},
           {"</a%zz>", 3},
           {"</a\"b>", 3},
           {"</a>;t=\"a\x01\"", 9},
           {"</a>;t=\"\xff\"", 7},
           {"</a>;t=\"\\\xc3\xa9\"", 9},
       }) {
    auto result = ParseLinks(text);
    ASSERT_FALSE(result) << text;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().position, position) << text << ": " << result.error().message;
  }
  EXPECT_TRUE(Parsed("").empty());
  EXPECT_TRUE(Parsed("  ").empty());
}

TEST(LinkFormatTest, RefusesToSerializeWhatTheSyntaxCannotSay) {
  EXPECT_FALSE(SerializeLinks(std::vector<Link>{Link{"/a b", {}}}));
  EXPECT_FALSE(SerializeLinks(std::vector<Link>{Link{"/a>", {}}}));
  EXPECT_FALSE(SerializeLinks(std::vector<Link>{Link{"/a", {{"", "1", false}}}}));
  EXPECT_FALSE(SerializeLinks(std::vector<Link>{Link{"/a", {{"a=b", "1", false}}}}));
  EXPECT_FALSE(SerializeLinks(std::vector<Link>{Link{"/a", {{"t", "a\nb", true}}}}));
  EXPECT_TRUE(SerializeLinks(std::vector<Link>{Link{"/a", {{"title*", "x", false}}}}));
}

}  // namespace
}  // namespace custos::lwm2m::format
