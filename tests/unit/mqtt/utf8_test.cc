// UTF-8 Encoded Strings (v5 §1.5.4): well-formed per RFC 3629, no U+0000.
#include <gtest/gtest.h>

#include <string>

#include "mqtt/mqtt.h"

namespace custos::mqtt {
namespace {

TEST(Utf8Test, Accepted) {
  for (const char* text :
       {"", "abc", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x90\x8d\x88", "\xef\xbf\xbf",
        "\xf4\x8f\xbf\xbf", "\x01", "\x7f", "\xed\x9f\xbf", "\xee\x80\x80"}) {
    EXPECT_FALSE(FindInvalidUtf8(text)) << text;
  }
}

struct Bad {
  std::string text;
  std::size_t offset;
};

TEST(Utf8Test, RefusedAtTheOffendingSequence) {
  const Bad cases[] = {
      {std::string("a\0b", 3), 1},  // U+0000
      {"\xc0\x80", 0},              // overlong U+0000
      {"\xc1\xbf", 0},              // overlong
      {"\xe0\x80\x80", 0},          // overlong
      {"\xf0\x80\x80\x80", 0},      // overlong
      {"x\xed\xa0\x80", 1},         // U+D800, a surrogate
      {"\xed\xbf\xbf", 0},          // U+DFFF
      {"\xf4\x90\x80\x80", 0},      // above U+10FFFF
      {"\xf5\x80\x80\x80", 0},      // invalid lead byte
      {"\xff", 0},
      {"\x80", 0},          // continuation without a lead
      {"ab\xc3", 2},        // truncated
      {"a\xe2\x82", 1},     // truncated
      {"\xe2\x28\xa1", 0},  // bad continuation
      {"\xc3\xa9\xc3", 2},
  };
  for (const Bad& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.text), c.offset) << c.text;
    EXPECT_FALSE(IsValidUtf8(c.text));
  }
}

}  // namespace
}  // namespace custos::mqtt
