#include "api/router.h"

#include <gtest/gtest.h>

namespace custos::api {
namespace {

using Outcome = Router::Resolution::Outcome;

Router MakeRouter() {
  Router r;
  for (auto [m, p] : std::vector<std::pair<const char*, const char*>>{
           {"GET", "/api/v1/devices"},
           {"POST", "/api/v1/devices"},
           {"POST", "/api/v1/devices/import"},
           {"GET", "/api/v1/devices/{id}"},
           {"DELETE", "/api/v1/devices/{id}"},
           {"DELETE", "/api/v1/devices/{id}/credentials/{cid}"},
           {"GET", "/api/v1/tokens/{id}"},
           {"GET", "/api/v1/tokens/self"},
       }) {
    r.Add(Route{m, p, std::nullopt, RouteKind::kPlain, nullptr});
  }
  return r;
}

TEST(RouterTest, MatchesLiteralPaths) {
  Router r = MakeRouter();
  auto res = r.Resolve("GET", "/api/v1/devices");
  ASSERT_EQ(res.outcome, Outcome::kFound);
  EXPECT_EQ(res.route->path, "/api/v1/devices");
  EXPECT_EQ(res.route->method, "GET");
}

TEST(RouterTest, ExtractsPathParameters) {
  Router r = MakeRouter();
  auto res = r.Resolve("DELETE", "/api/v1/devices/42/credentials/7");
  ASSERT_EQ(res.outcome, Outcome::kFound);
  EXPECT_EQ(res.params.at("id"), "42");
  EXPECT_EQ(res.params.at("cid"), "7");
}

TEST(RouterTest, PrefersLiteralSegmentsOverParameters) {
  Router r = MakeRouter();
  auto self = r.Resolve("GET", "/api/v1/tokens/self");
  ASSERT_EQ(self.outcome, Outcome::kFound);
  EXPECT_EQ(self.route->path, "/api/v1/tokens/self");
  auto import = r.Resolve("POST", "/api/v1/devices/import");
  ASSERT_EQ(import.outcome, Outcome::kFound);
  EXPECT_EQ(import.route->path, "/api/v1/devices/import");
}

TEST(RouterTest, FallsBackToAParameterWhenTheLiteralHasAnotherMethod) {
  Router r = MakeRouter();
  auto res = r.Resolve("GET", "/api/v1/devices/import");
  ASSERT_EQ(res.outcome, Outcome::kFound);
  EXPECT_EQ(res.route->path, "/api/v1/devices/{id}");
  EXPECT_EQ(res.params.at("id"), "import");
}

TEST(RouterTest, UnknownPathIsNotFound) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Resolve("GET", "/api/v1/nothing").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Resolve("GET", "/api/v1/devices/1/2/3").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Resolve("GET", "/").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Resolve("GET", "/api/v1/devices/").outcome, Outcome::kNotFound);
}

TEST(RouterTest, KnownPathWithOtherMethodIsMethodNotAllowed) {
  Router r = MakeRouter();
  auto res = r.Resolve("PUT", "/api/v1/devices/9");
  ASSERT_EQ(res.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(res.allowed, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(RouterTest, SplitsPathsIntoSegments) {
  EXPECT_EQ(SplitPath("/a/b//c"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_TRUE(SplitPath("/").empty());
}

}  // namespace
}  // namespace custos::api
