// Dispatch: routing, authentication, roles, error mapping (through RestApi, no sockets).
#include "api_fixture.h"

namespace custos::api {
namespace {

class RestApiTest : public ApiFixture {};

TEST_F(RestApiTest, PublicRoutesNeedNoToken) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Json(Call("GET", "/healthz")).at("status").as_string(), "ok");
  EXPECT_EQ(Call("GET", "/api/v1/openapi.json").status, 200);
  Response m = Call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(RestApiTest, MissingOrUnknownTokenIs401) {
  Response none = Call("GET", "/api/v1/devices");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(ErrorCode(none), "unauthenticated");
  Response unknown = Call("GET", "/api/v1/devices", "", "cst_not-a-real-token-at-all");
  EXPECT_EQ(unknown.status, 401);
  Response basic = Call("GET", "/api/v1/devices", "", "", {{"authorization", "Basic abc"}});
  EXPECT_EQ(basic.status, 401);
}

TEST_F(RestApiTest, TheBearerSchemeIsCaseInsensitive) {
  Response r = Call("GET", "/api/v1/devices", "", "", {{"authorization", "bearer " + viewer_}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(RestApiTest, RolesGateRoutes) {
  EXPECT_EQ(Call("GET", "/api/v1/devices", "", viewer_).status, 200);
  Response denied = Call("POST", "/api/v1/devices", R"({"name":"v-1"})", viewer_);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorCode(denied), "permission_denied");
  EXPECT_EQ(Call("POST", "/api/v1/devices", R"({"name":"o-1"})", operator_).status, 201);
  EXPECT_EQ(Call("GET", "/api/v1/tokens", "", operator_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/tokens", "", admin_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/tokens/self", "", viewer_).status, 200);
}

TEST_F(RestApiTest, AccessTokenQueryIsOnlyForTheEventStream) {
  Response r = Call("GET", "/api/v1/devices?access_token=" + admin_);
  EXPECT_EQ(r.status, 401);
}

TEST_F(RestApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  Response nothing = Admin("GET", "/api/v1/nothing-here");
  EXPECT_EQ(nothing.status, 404);
  EXPECT_EQ(ErrorCode(nothing), "not_found");
  Response put = Admin("PUT", "/api/v1/devices");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(ErrorCode(put), "method_not_allowed");
  ASSERT_FALSE(put.headers.empty());
  EXPECT_EQ(put.headers[0].first, "Allow");
  EXPECT_EQ(put.headers[0].second, "GET, POST");
}

TEST_F(RestApiTest, NonNumericIdIs404) {
  EXPECT_EQ(Admin("GET", "/api/v1/devices/abc").status, 404);
  EXPECT_EQ(Admin("GET", "/api/v1/groups/0").status, 404);
}

TEST_F(RestApiTest, SelfTokenNamesTheCaller) {
  Response r = Call("GET", "/api/v1/tokens/self", "", operator_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("name").as_string(), "ops");
  EXPECT_EQ(Json(r).at("role").as_string(), "operator");
}

}  // namespace
}  // namespace custos::api
