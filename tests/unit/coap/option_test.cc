#include <gtest/gtest.h>

#include "coap/coap.h"
#include "test_bytes.h"

namespace custos::coap {
namespace {

using testing::Bytes;

TEST(OptionListTest, SortedByNumberWithRepeatsInOrder) {
  OptionList options;
  options.AddString(option::kUriQuery, "b");
  options.AddString(option::kUriPath, "x");
  options.AddString(option::kUriQuery, "a");
  options.AddString(option::kUriPath, "y");
  options.SetUint(option::kContentFormat, 0);
  std::vector<std::uint16_t> numbers;
  for (const Option& o : options) numbers.push_back(o.number);
  EXPECT_EQ(numbers, (std::vector<std::uint16_t>{11, 11, 12, 15, 15}));
  EXPECT_EQ(options.GetStrings(option::kUriQuery), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(options.GetStrings(option::kUriPath), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(*options.GetString(option::kUriPath), "x");
  EXPECT_EQ(options.Remove(option::kUriPath), 2u);
  EXPECT_FALSE(options.Has(option::kUriPath));
  EXPECT_EQ(options.Find(option::kMaxAge), nullptr);
  EXPECT_TRUE(options.All(option::kMaxAge).empty());
}

TEST(OptionListTest, UintIsMinimalAndAcceptsLeadingZeros) {
  EXPECT_EQ(EncodeUint(0), Bytes({}));
  EXPECT_EQ(EncodeUint(1), Bytes({0x01}));
  EXPECT_EQ(EncodeUint(255), Bytes({0xff}));
  EXPECT_EQ(EncodeUint(256), Bytes({0x01, 0x00}));
  EXPECT_EQ(EncodeUint(65536), Bytes({0x01, 0x00, 0x00}));
  EXPECT_EQ(EncodeUint(0xffffffff), Bytes({0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(DecodeUint(Bytes({})), 0u);
  EXPECT_EQ(DecodeUint(Bytes({0x00, 0x00, 0x01, 0x00})), 256u);
  EXPECT_FALSE(DecodeUint(Bytes({0, 0, 0, 0, 1})));

  OptionList options;
  options.SetUint(option::kMaxAge, 3600);
  EXPECT_EQ(options.Find(option::kMaxAge)->value, Bytes({0x0e, 0x10}));
  EXPECT_EQ(MaxAge(options), 3600u);
  options.Set(option::kMaxAge, Bytes({1, 2, 3, 4, 5}));
  EXPECT_FALSE(MaxAge(options));
}

TEST(TypedOptionsTest, UriPathSplitAndJoin) {
  OptionList options;
  SetUriPath(options, "/3/0/1");
  EXPECT_EQ(options.GetStrings(option::kUriPath), (std::vector<std::string>{"3", "0", "1"}));
  EXPECT_EQ(UriPath(options), "/3/0/1");
  SetUriPath(options, "rd");
  EXPECT_EQ(UriPath(options), "/rd");
  SetUriPath(options, "/a/");
  EXPECT_EQ(options.GetStrings(option::kUriPath), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(UriPath(options), "/a/");
  SetUriPath(options, "/");
  EXPECT_FALSE(options.Has(option::kUriPath));
  EXPECT_EQ(UriPath(options), "/");
  SetUriPath(options, "");
  EXPECT_EQ(UriPath(options), "/");
}

TEST(TypedOptionsTest, QueriesAndLocations) {
  OptionList options;
  SetUriQuery(options, "ep=node-1&lt=300&b=U");
  EXPECT_EQ(options.GetStrings(option::kUriQuery),
            (std::vector<std::string>{"ep=node-1", "lt=300", "b=U"}));
  EXPECT_EQ(UriQuery(options), "ep=node-1&lt=300&b=U");
  SetUriQuery(options, "");
  EXPECT_EQ(UriQuery(options), "");
  SetLocationPath(options, "/rd/5a3f");
  EXPECT_EQ(options.GetStrings(option::kLocationPath), (std::vector<std::string>{"rd", "5a3f"}));
  EXPECT_EQ(LocationPath(options), "/rd/5a3f");
  SetLocationQuery(options, "x=1&y");
  EXPECT_EQ(LocationQuery(options), "x=1&y");
}

TEST(TypedOptionsTest, FormatsObserveSizesAndTags) {
  OptionList options;
  EXPECT_FALSE(ContentFormat(options));
  SetContentFormat(options, content_format::kSenmlCbor);
  EXPECT_EQ(ContentFormat(options), 112);
  SetContentFormat(options, content_format::kLwm2mTlv);
  EXPECT_EQ(options.Find(option::kContentFormat)->value, Bytes({0x2d, 0x16}));
  EXPECT_EQ(ContentFormat(options), 11542);
  SetAccept(options, content_format::kLwm2mCbor);
  EXPECT_EQ(Accept(options), 11544);
  SetObserve(options, 0);
  EXPECT_TRUE(options.Find(option::kObserve)->value.empty());
  EXPECT_EQ(Observe(options), 0u);
  SetObserve(options, 0x1234567);
  EXPECT_EQ(Observe(options), 0x234567u);
  SetSize1(options, 1500);
  SetSize2(options, 70000);
  EXPECT_EQ(Size1(options), 1500u);
  EXPECT_EQ(Size2(options), 70000u);
  AddETag(options, Bytes({1, 2}));
  AddETag(options, Bytes({3}));
  EXPECT_EQ(ETags(options), (std::vector<std::vector<std::uint8_t>>{Bytes({1, 2}), Bytes({3})}));
  AddIfMatch(options, Bytes({}));
  EXPECT_EQ(IfMatch(options).size(), 1u);
  EXPECT_FALSE(IfNoneMatch(options));
  SetIfNoneMatch(options, true);
  EXPECT_TRUE(IfNoneMatch(options));
  EXPECT_TRUE(options.Find(option::kIfNoneMatch)->value.empty());
  SetIfNoneMatch(options, false);
  EXPECT_FALSE(IfNoneMatch(options));
  SetProxyUri(options, "coap://example.net/x");
  SetProxyScheme(options, "coap");
  EXPECT_EQ(ProxyUri(options), "coap://example.net/x");
  EXPECT_EQ(ProxyScheme(options), "coap");
}

TEST(OptionPropertiesTest, FromNumbers) {
  // §5.10 table: C for 1, 3, 5, 7, 11, 15, 17, 35, 39; U for 3, 7, 11, 14, 15, 35, 39;
  // N for 60 (and Size2, 28, in RFC 7959).
  EXPECT_TRUE(IsCritical(option::kIfMatch));
  EXPECT_TRUE(IsCritical(option::kUriPath));
  EXPECT_TRUE(IsCritical(option::kBlock2));
  EXPECT_TRUE(IsElective(option::kETag));
  EXPECT_TRUE(IsElective(option::kContentFormat));
  EXPECT_TRUE(IsElective(option::kObserve));
  EXPECT_TRUE(IsUnsafe(option::kUriHost));
  EXPECT_TRUE(IsUnsafe(option::kProxyScheme));
  EXPECT_TRUE(IsUnsafe(option::kUriPath));
  EXPECT_TRUE(IsUnsafe(option::kMaxAge));
  EXPECT_FALSE(IsUnsafe(option::kETag));
  EXPECT_FALSE(IsUnsafe(option::kContentFormat));
  EXPECT_TRUE(IsNoCacheKey(option::kSize1));
  EXPECT_TRUE(IsNoCacheKey(option::kSize2));
  EXPECT_FALSE(IsNoCacheKey(option::kETag));
  EXPECT_FALSE(IsNoCacheKey(option::kMaxAge));
}

TEST(OptionPropertiesTest, UnrecognisedCritical) {
  OptionList options;
  SetUriPath(options, "/a/b");
  options.Add(9, {});
  options.Add(9, {});
  options.Add(2049, {});
  options.Add(2050, {});  // elective: ignored
  options.Add(65001, {});
  EXPECT_EQ(UnrecognisedCritical(options, option::kKnown),
            (std::vector<std::uint16_t>{9, 2049, 65001}));
  const std::uint16_t with_nine[] = {9, option::kUriPath};
  EXPECT_EQ(UnrecognisedCritical(options, with_nine), (std::vector<std::uint16_t>{2049, 65001}));
}

TEST(OptionPropertiesTest, InvalidLengths) {
  OptionList options;
  options.Add(option::kETag, {});                  // 1..8
  options.Add(option::kContentFormat, {1, 2, 3});  // 0..2
  options.Add(option::kIfNoneMatch, {1});          // 0
  options.AddString(option::kUriPath, "fine");
  options.Add(100, std::vector<std::uint8_t>(900));  // unknown: not checked
  EXPECT_EQ(
      InvalidLengthOptions(options),
      (std::vector<std::uint16_t>{option::kETag, option::kIfNoneMatch, option::kContentFormat}));
}

}  // namespace
}  // namespace custos::coap
