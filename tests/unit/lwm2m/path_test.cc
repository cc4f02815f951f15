#include "lwm2m/lwm2m.h"

#include <gtest/gtest.h>

namespace custos::lwm2m {
namespace {

TEST(PathTest, ParsesEveryDepth) {
  EXPECT_EQ(ParsePath("/").value(), Path::Root());
  EXPECT_EQ(ParsePath("").value(), Path::Root());
  EXPECT_EQ(ParsePath("/3").value(), Path::Object(3));
  EXPECT_EQ(ParsePath("/3/0").value(), Path::Instance(3, 0));
  EXPECT_EQ(ParsePath("/3/0/1").value(), Path::Resource(3, 0, 1));
  EXPECT_EQ(ParsePath("/3/0/7/1").value(), Path::ResourceInstance(3, 0, 7, 1));
  EXPECT_EQ(ParsePath("3/0/").value(), Path::Instance(3, 0));
  EXPECT_EQ(ParsePath("/65534").value(), Path::Object(65534));
}

TEST(PathTest, RefusesWithThePosition) {
  struct Case {
    const char* text;
    std::size_t position;
  };
  for (auto [text, position] : {Case{"/3//1", 3}, Case{"/3/x", 3}, Case{"/03", 1},
                                Case{"/65535", 1}, Case{"/1/2/3/4/5", 9}, Case{"/3/0/1a", 6}}) {
    auto p = ParsePath(text);
    ASSERT_FALSE(p) << text;
    EXPECT_EQ(p.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(p.error().position, position) << text << ": " << p.error().message;
  }
}

TEST(PathTest, PrintsContainsAndParent) {
  EXPECT_EQ(ToString(Path::Root()), "/");
  EXPECT_EQ(ToString(Path::ResourceInstance(3, 0, 7, 1)), "/3/0/7/1");
  EXPECT_TRUE(Path::Instance(3, 0).Contains(Path::Resource(3, 0, 1)));
  EXPECT_TRUE(Path::Root().Contains(Path::Object(5)));
  EXPECT_FALSE(Path::Instance(3, 1).Contains(Path::Resource(3, 0, 1)));
  EXPECT_FALSE(Path::Resource(3, 0, 1).Contains(Path::Instance(3, 0)));
  EXPECT_EQ(Path::Resource(3, 0, 1).Parent(), Path::Instance(3, 0));
  EXPECT_EQ(Path::Root().Parent(), Path::Root());
  EXPECT_EQ(Path::Resource(3, 0, 1).depth(), 3);
}

TEST(ValueTest, TypesAndTheirNames) {
  EXPECT_EQ(TypeOf(Value{std::int64_t{-5}}), ResourceType::kInteger);
  EXPECT_EQ(TypeOf(Value{std::uint64_t{5}}), ResourceType::kUnsignedInteger);
  EXPECT_EQ(TypeOf(Value{ObjectLink{3, 0}}), ResourceType::kObjectLink);
  EXPECT_EQ(TypeOf(Value{TimeValue{1}}), ResourceType::kTime);
  EXPECT_EQ(TypeOf(Value{Opaque{1, 2}}), ResourceType::kOpaque);
  EXPECT_EQ(ParseResourceType("Unsigned Integer"), ResourceType::kUnsignedInteger);
  EXPECT_EQ(ParseResourceType("Objlnk"), ResourceType::kObjectLink);
  EXPECT_EQ(ParseResourceType(""), ResourceType::kNone);
  EXPECT_FALSE(ParseResourceType("Strin"));
  EXPECT_STREQ(ToString(ResourceType::kCoreLink), "Corelnk");
}

}  // namespace
}  // namespace custos::lwm2m
