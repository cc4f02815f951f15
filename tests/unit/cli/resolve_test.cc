#include "cli/resolve.h"

#include <gtest/gtest.h>

#include "cli/arguments.h"
#include "fake_transport.h"

namespace custos::cli {
namespace {

using testing::FakeTransport;
using testing::Json;

TEST(ResolveTest, NumericArgumentsAreIds) {
  EXPECT_TRUE(IsNumericId("42"));
  EXPECT_TRUE(IsNumericId("0"));
  EXPECT_FALSE(IsNumericId(""));
  EXPECT_FALSE(IsNumericId("-1"));
  EXPECT_FALSE(IsNumericId("+1"));
  EXPECT_FALSE(IsNumericId("42a"));
  EXPECT_FALSE(IsNumericId("sensor-0042"));
  EXPECT_FALSE(IsNumericId("1234567890123456789")) << "too long for an id";
}

TEST(ResolveTest, NameFiltersEscapeQuotesAndBackslashes) {
  EXPECT_EQ(NameFilter("sensor-1"), R"(name = "sensor-1")");
  EXPECT_EQ(NameFilter(R"(a"b\c)"), R"(name = "a\"b\\c")");
}

TEST(ResolveTest, AnIdNeedsNoRequest) {
  FakeTransport t([](const HttpRequest&) { return Json(500, ""); });
  ApiClient api(t, "", "");
  auto id = ResolveDevice(api, "42");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 42);
  EXPECT_TRUE(t.requests.empty());
}

TEST(ResolveTest, ANameIsLookedUpWithAFilter) {
  FakeTransport t([](const HttpRequest&) {
    return Json(200, R"({"devices": [{"id": 7, "name": "sensor-7"}], "next_cursor": null})");
  });
  ApiClient api(t, "", "");
  auto id = ResolveDevice(api, "sensor-7");
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, 7);
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].method, "GET");
  EXPECT_EQ(t.requests[0].target, "/api/v1/devices?filter=name%20%3D%20%22sensor-7%22&limit=2");
}

TEST(ResolveTest, AnUnknownNameIsNotFound) {
  FakeTransport t(
      [](const HttpRequest&) { return Json(200, R"({"devices": [], "next_cursor": null})"); });
  ApiClient api(t, "", "");
  auto id = ResolveDevice(api, "ghost");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().exit_code, kExitServerError);
  EXPECT_EQ(id.error().code, "not_found");
  EXPECT_NE(id.error().message.find("ghost"), std::string::npos);
}

TEST(ResolveTest, LookupFailuresPassThrough) {
  FakeTransport t([](const HttpRequest&) {
    return Json(401, R"({"error": {"code": "unauthenticated", "message": "no token"}})");
  });
  ApiClient api(t, "", "");
  auto id = ResolveDevice(api, "sensor-7");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, "unauthenticated");
}

TEST(ResolveTest, GroupsAndTokensAreFoundInTheirLists) {
  FakeTransport t([](const HttpRequest& r) {
    if (r.target == "/api/v1/groups") {
      return Json(200, R"({"groups": [{"id": 3, "name": "eu"}, {"id": 4, "name": "us"}]})");
    }
    return Json(200, R"({"tokens": [{"id": 9, "name": "ci"}]})");
  });
  ApiClient api(t, "", "");
  EXPECT_EQ(ResolveGroup(api, "us").value(), 4);
  EXPECT_EQ(ResolveGroup(api, "12").value(), 12);
  EXPECT_EQ(ResolveToken(api, "ci").value(), 9);
  auto missing = ResolveGroup(api, "apac");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST(ArgumentsTest, LabelsAreKeyValuePairs) {
  auto labels = ParseLabels({"region=eu", "site=berlin=3", "empty=", "region=us"});
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->at("region").as_string(), "us") << "a later key wins";
  EXPECT_EQ(labels->at("site").as_string(), "berlin=3");
  EXPECT_EQ(labels->at("empty").as_string(), "");
  for (const char* bad : {"region", "=eu"}) {
    auto r = ParseLabels({bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().exit_code, kExitUsage);
  }
}

TEST(ArgumentsTest, MetadataMustBeAJsonObject) {
  EXPECT_TRUE(ParseJsonObject(R"({"installer": "kim"})", "--metadata"));
  for (const char* bad : {"[1]", "{", "kim"}) {
    auto r = ParseJsonObject(bad, "--metadata");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().exit_code, kExitUsage);
    EXPECT_NE(r.error().message.find("--metadata"), std::string::npos);
  }
}

}  // namespace
}  // namespace custos::cli
