#include <gtest/gtest.h>

#include "test_objects.h"

namespace custos::lwm2m::format {
namespace {

using testing::AsText;
using testing::At;
using testing::ExampleTypes;
using testing::Text;
using I = std::int64_t;

core::Result<std::vector<Record>> FromText(std::string_view text, std::string_view path) {
  return Decode(ContentFormat::kPlainText, Text(text), ParsePath(path).value(), ExampleTypes());
}

Value ValueOf(std::string_view text, std::string_view path) {
  auto records = FromText(text, path);
  EXPECT_TRUE(records) << text << " at " << path << ": " << records.error().message;
  return records && records->size() == 1 ? records->at(0).value : Value{};
}

std::string ToText(const Record& record) {
  auto bytes = Encode(ContentFormat::kPlainText, std::vector<Record>{record}, record.path);
  EXPECT_TRUE(bytes) << bytes.error().message;
  return bytes ? AsText(*bytes) : "";
}

TEST(PlainTextTest, TypesEachValueByTheResolver) {
  EXPECT_EQ(ValueOf("Open Mobile Alliance", "/3/0/0"), Value{std::string("Open Mobile Alliance")});
  EXPECT_EQ(ValueOf("100", "/3/0/9"), Value{I{100}});
  EXPECT_EQ(ValueOf("-42", "/3/0/9"), Value{I{-42}});
  EXPECT_EQ(ValueOf("18446744073709551615", "/0/0/16"),
            Value{std::uint64_t{18446744073709551615ULL}});
  EXPECT_EQ(ValueOf("22.5", "/1024/0/1"), Value{22.5});
  EXPECT_EQ(ValueOf("-1.5e3", "/1024/0/1"), Value{-1500.0});
  EXPECT_EQ(ValueOf("1", "/1/0/6"), Value{true});
  EXPECT_EQ(ValueOf("0", "/1/0/6"), Value{false});
  EXPECT_EQ(ValueOf("1367491215", "/3/0/13"), Value{TimeValue{1367491215}});
  EXPECT_EQ(ValueOf("3:0", "/66/0/2"), (Value{ObjectLink{3, 0}}));
  EXPECT_EQ(ValueOf("65535:65535", "/66/0/2"), (Value{ObjectLink{65535, 65535}}));
  EXPECT_EQ(ValueOf("AQIDBAU=", "/5/0/0"), (Value{Opaque{1, 2, 3, 4, 5}}));
  EXPECT_EQ(ValueOf("</3/0>", "/1024/0/3"), Value{CoreLink{"</3/0>"}});
  EXPECT_EQ(ValueOf("", "/3/0/0"), Value{std::string()});
  // A resource the model does not know is text.
  EXPECT_EQ(ValueOf("42", "/9999/0/1"), Value{std::string("42")});
  // Resource instances too.
  EXPECT_EQ(ValueOf("3800", "/3/0/7/0"), Value{I{3800}});
}

TEST(PlainTextTest, RefusesWhatDoesNotParseAsTheType) {
  struct Case {
    const char* text;
    const char* path;
  };
  for (const auto& [text, path] : std::vector<Case>{
           {"1.5", "/3/0/9"},
           {"+1", "/3/0/9"},
           {" 1", "/3/0/9"},
           {"1 ", "/3/0/9"},
           {"", "/3/0/9"},
           {"0x10", "/3/0/9"},
           {"9223372036854775808", "/3/0/9"},
           {"-1", "/0/0/16"},
           {"18446744073709551616", "/0/0/16"},
           {"inf", "/1024/0/1"},
           {"nan", "/1024/0/1"},
           {"1e999", "/1024/0/1"},
           {"0x1p3", "/1024/0/1"},
           {"", "/1024/0/1"},
           {"true", "/1/0/6"},
           {"2", "/1/0/6"},
           {"3", "/66/0/2"},
           {"3:65536", "/66/0/2"},
           {"a:0", "/66/0/2"},
           {"3:", "/66/0/2"},
           {"AQIDBAV", "/5/0/0"},
           {"AQ ID", "/5/0/0"},
           {"\xff", "/3/0/0"},
           {"x", "/3/0/4"},
           {"1.0", "/3/0/13"},
       }) {
    auto result = FromText(text, path);
    ASSERT_FALSE(result) << "'" << text << "' at " << path;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
  }
  // Plain text carries one resource.
  EXPECT_FALSE(FromText("x", "/3/0"));
}

TEST(PlainTextTest, WritesEachTypeAsTheSpecificationSpellsIt) {
  EXPECT_EQ(ToText(At("/3/0/9", I{-7})), "-7");
  EXPECT_EQ(ToText(At("/0/0/16", std::uint64_t{18446744073709551615ULL})), "18446744073709551615");
  EXPECT_EQ(ToText(At("/1024/0/1", 22.9)), "22.9");
  EXPECT_EQ(ToText(At("/1024/0/1", 1e21)), "1e+21");
  EXPECT_EQ(ToText(At("/1/0/6", true)), "1");
  EXPECT_EQ(ToText(At("/3/0/13", TimeValue{1367491215})), "1367491215");
  EXPECT_EQ(ToText(At("/66/0/2", ObjectLink{3, 0})), "3:0");
  EXPECT_EQ(ToText(At("/5/0/0", Opaque{1, 2, 3, 4, 5})), "AQIDBAU=");
  EXPECT_EQ(ToText(At("/3/0/0", std::string("Open Mobile Alliance"))), "Open Mobile Alliance");
  // Read back, each is the value written.
  for (const auto& record : {At("/3/0/9", I{-7}), At("/1024/0/1", 0.1), At("/5/0/0", Opaque{255}),
                             At("/66/0/2", ObjectLink{1, 2})}) {
    auto back = FromText(ToText(record), ToString(record.path));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->at(0), record);
  }
}

TEST(PlainTextTest, EncodesExactlyOneValueAtTheRequestPath) {
  auto encode = [](std::vector<Record> records, std::string_view base) {
    return Encode(ContentFormat::kPlainText, records, ParsePath(base).value());
  };
  EXPECT_FALSE(encode({}, "/3/0/9"));
  EXPECT_FALSE(encode({At("/3/0/9", I{1}), At("/3/0/9", I{2})}, "/3/0/9"));
  EXPECT_FALSE(encode({At("/3/0/9", I{1})}, "/3/0"));
  EXPECT_FALSE(encode({At("/3/0/9", I{1})}, "/3/0/10"));
  EXPECT_FALSE(encode({At("/3/0/9", I{1}, 5.0)}, "/3/0/9"));
  EXPECT_FALSE(encode({At("/1024/0/1", std::numeric_limits<double>::infinity())}, "/1024/0/1"));
}

TEST(OpaqueTest, CarriesTheBytesOfOneOpaqueResource) {
  auto bytes = testing::Hex("00ff10");
  auto records = Decode(ContentFormat::kOpaque, bytes, ParsePath("/5/0/0").value(), ExampleTypes());
  ASSERT_TRUE(records);
  EXPECT_EQ(records->at(0), At("/5/0/0", Opaque(bytes)));
  auto unknown = Decode(ContentFormat::kOpaque, bytes, ParsePath("/9/0/0").value(), {});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->at(0).value, Value{Opaque(bytes)});
  auto encoded = Encode(ContentFormat::kOpaque, *records, ParsePath("/5/0/0").value());
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, bytes);
  // Only Opaque resources, one at a time.
  EXPECT_FALSE(Decode(ContentFormat::kOpaque, bytes, ParsePath("/3/0/0").value(), ExampleTypes()));
  EXPECT_FALSE(Decode(ContentFormat::kOpaque, bytes, ParsePath("/5/0").value(), ExampleTypes()));
  EXPECT_FALSE(Encode(ContentFormat::kOpaque, std::vector<Record>{At("/5/0/1", std::string("x"))},
                      ParsePath("/5/0/1").value()));
}

}  // namespace
}  // namespace custos::lwm2m::format
