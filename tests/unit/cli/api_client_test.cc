#include "cli/api_client.h"

#include <gtest/gtest.h>

#include "fake_transport.h"

namespace custos::cli {
namespace {

using testing::FakeTransport;
using testing::Json;

TEST(ApiClientTest, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(PercentEncode("name = \"a+b\""), "name%20%3D%20%22a%2Bb%22");
  EXPECT_EQ(PercentEncode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(PercentEncode("ü"), "%C3%BC");
}

TEST(ApiClientTest, TargetsCarryThePrefixAndSkipEmptyParameters) {
  FakeTransport t([](const HttpRequest&) { return Json(200, "{}"); });
  ApiClient api(t, "/custos", "");
  EXPECT_EQ(
      api.Target("/devices", {{"filter", "state = \"active\""}, {"sort", ""}, {"limit", "5"}}),
      "/custos/api/v1/devices?filter=state%20%3D%20%22active%22&limit=5");
  EXPECT_EQ(api.Target("/devices/42"), "/custos/api/v1/devices/42");
}

TEST(ApiClientTest, SendsTheTokenAndJsonBodies) {
  FakeTransport t([](const HttpRequest&) { return Json(201, R"({"id": 1})"); });
  ApiClient api(t, "", "cst_secret");
  auto created = api.Post("/devices", boost::json::object{{"name", "a"}});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->at("id").as_int64(), 1);
  ASSERT_EQ(t.requests.size(), 1u);
  const HttpRequest& r = t.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/api/v1/devices");
  EXPECT_EQ(r.body, R"({"name":"a"})");
  bool auth = false;
  bool content_type = false;
  for (const auto& [name, value] : r.headers) {
    auth |= name == "Authorization" && value == "Bearer cst_secret";
    content_type |= name == "Content-Type" && value == "application/json";
  }
  EXPECT_TRUE(auth);
  EXPECT_TRUE(content_type);
}

TEST(ApiClientTest, NoTokenNoAuthorizationHeader) {
  FakeTransport t([](const HttpRequest&) { return Json(200, "{}"); });
  ApiClient api(t, "", "");
  ASSERT_TRUE(api.Get("/tokens/self"));
  for (const auto& header : t.requests[0].headers) EXPECT_NE(header.first, "Authorization");
}

TEST(ApiClientTest, ServerErrorsKeepCodeMessageAndPosition) {
  auto failure = Interpret(Json(
      400, R"({"error": {"code": "invalid_argument", "message": "filter: bad", "position": 7}})"));
  ASSERT_FALSE(failure);
  EXPECT_EQ(failure.error().exit_code, kExitServerError);
  EXPECT_EQ(failure.error().code, "invalid_argument");
  EXPECT_EQ(failure.error().message, "filter: bad");
  EXPECT_EQ(failure.error().position, 7u);

  auto not_allowed =
      Interpret(Json(405, R"({"error": {"code": "method_not_allowed", "message": "no"}})"));
  ASSERT_FALSE(not_allowed);
  EXPECT_EQ(not_allowed.error().code, "method_not_allowed") << "codes pass through as sent";
}

TEST(ApiClientTest, NonJsonErrorsBecomeHttpStatusCodes) {
  auto failure = Interpret(HttpResponse{502, {}, "<html>Bad Gateway</html>\nmore"});
  ASSERT_FALSE(failure);
  EXPECT_EQ(failure.error().exit_code, kExitServerError);
  EXPECT_EQ(failure.error().code, "http_502");
  EXPECT_EQ(failure.error().message, "<html>Bad Gateway</html>");
}

TEST(ApiClientTest, NoContentIsNull) {
  auto ok = Interpret(HttpResponse{204, {}, ""});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->is_null());
}

TEST(ApiClientTest, ASuccessThatIsNotJsonIsAnError) {
  auto bad = Interpret(HttpResponse{200, {}, "hello"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_answer");
}

TEST(ApiClientTest, TransportFailuresPassThrough) {
  FakeTransport t([](const HttpRequest&) -> Outcome<HttpResponse> {
    return Unreachable("cannot reach http://x: connect: refused");
  });
  ApiClient api(t, "", "");
  auto r = api.Get("/devices");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_code, kExitUnreachable);
}

TEST(ApiClientTest, ForEachPageFollowsCursorsOnlyWhenAsked) {
  FakeTransport t([](const HttpRequest& r) {
    if (r.target.find("cursor=c2") != std::string::npos) {
      return Json(200, R"({"devices": [{"id": 3}], "next_cursor": null})");
    }
    return Json(200, R"({"devices": [{"id": 1}, {"id": 2}], "next_cursor": "c2"})");
  });
  ApiClient api(t, "", "");
  int pages = 0;
  auto on_page = [&pages](const boost::json::object&) -> Outcome<void> {
    ++pages;
    return {};
  };
  ASSERT_TRUE(api.ForEachPage("/devices", {{"limit", "2"}}, false, on_page));
  EXPECT_EQ(pages, 1);
  ASSERT_TRUE(api.ForEachPage("/devices", {{"limit", "2"}}, true, on_page));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(t.requests.back().target, "/api/v1/devices?limit=2&cursor=c2");
}

TEST(ApiClientTest, ForEachPageStartsAtAGivenCursor) {
  FakeTransport t(
      [](const HttpRequest&) { return Json(200, R"({"devices": [], "next_cursor": null})"); });
  ApiClient api(t, "", "");
  ASSERT_TRUE(api.ForEachPage("/devices", {{"cursor", "c9"}}, true,
                              [](const boost::json::object&) -> Outcome<void> { return {}; }));
  EXPECT_EQ(t.requests[0].target, "/api/v1/devices?cursor=c9");
}

}  // namespace
}  // namespace custos::cli
