#include "api/query.h"

#include <gtest/gtest.h>

#include "api/time_text.h"

namespace custos::api {
namespace {

TEST(QueryTest, SplitsPathAndDecodesQuery) {
  auto t = ParseTarget("/api/v1/devices?filter=name%20~%20%22a*%22&limit=5&sort=-name");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->path, "/api/v1/devices");
  EXPECT_EQ(t->query.at("filter"), "name ~ \"a*\"");
  EXPECT_EQ(t->query.at("limit"), "5");
  EXPECT_EQ(t->query.at("sort"), "-name");
}

TEST(QueryTest, PlusIsASpaceAndTheFirstRepeatedKeyWins) {
  auto t = ParseTarget("/x?q=a+b&k=1&k=2&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query.at("q"), "a b");
  EXPECT_EQ(t->query.at("k"), "1");
  EXPECT_EQ(t->query.at("flag"), "");
}

TEST(QueryTest, DecodesThePath) {
  auto t = ParseTarget("/api/v1/devices/4%32");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/devices/42");
}

TEST(QueryTest, RejectsTargetsThatAreNotOriginForm) {
  EXPECT_FALSE(ParseTarget("http://example.com/x"));
  EXPECT_FALSE(ParseTarget("no-slash"));
  EXPECT_FALSE(ParseTarget("/bad%zzescape"));
}

TEST(QueryTest, ReadsBoundedIntegers) {
  Request req;
  req.query = {{"limit", "50"}, {"big", "5000"}, {"word", "ten"}};
  auto limit = QueryInt(req, "limit", 1, 1000);
  ASSERT_TRUE(limit);
  EXPECT_EQ(**limit, 50);
  EXPECT_FALSE(*QueryInt(req, "absent", 1, 1000));
  auto big = QueryInt(req, "big", 1, 1000);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(big.error().message.find("big"), std::string::npos);
  EXPECT_FALSE(QueryInt(req, "word", 1, 1000));
}

TEST(QueryTest, ReadsBooleans) {
  Request req;
  req.query = {{"a", "true"}, {"b", "0"}, {"c", "maybe"}};
  EXPECT_TRUE(*QueryBool(req, "a", false));
  EXPECT_FALSE(*QueryBool(req, "b", true));
  EXPECT_TRUE(*QueryBool(req, "absent", true));
  EXPECT_FALSE(QueryBool(req, "c", false));
}

TEST(QueryTest, PathIdsMustBePositiveIntegers) {
  Request req;
  req.path_params = {{"id", "17"}, {"bad", "abc"}, {"zero", "0"}};
  EXPECT_EQ(*PathId(req, "id", "device"), 17);
  auto bad = PathId(req, "bad", "device");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(bad.error().message, "no device 'abc'");
  EXPECT_FALSE(PathId(req, "zero", "device"));
}

TEST(TimeTextTest, ParsesRfc3339) {
  EXPECT_EQ(core::ParseTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(core::ParseTime("2026-11-27T16:34:31.000Z"), 1795797271000);
  EXPECT_EQ(core::ParseTime("2026-11-27T16:34:31.25Z"), 1795797271250);
  EXPECT_EQ(core::ParseTime("2026-11-27T17:34:31+01:00"), 1795797271000);
  EXPECT_EQ(core::ParseTime("2024-02-29t00:00:00z"), 1709164800000);
  EXPECT_FALSE(core::ParseTime("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(core::ParseTime("2026-11-27"));
  EXPECT_FALSE(core::ParseTime("2026-11-27T16:34:31"));
  EXPECT_FALSE(core::ParseTime("2026-11-27T16:34:31Zjunk"));
  EXPECT_EQ(ParseTimeParam("1795797271000"), 1795797271000);
}

}  // namespace
}  // namespace custos::api
