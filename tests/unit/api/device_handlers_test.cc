// Devices through the handlers: create, read, list, patch, lifecycle, delete, credentials.
#include "api_fixture.h"

namespace custos::api {
namespace {

class DeviceHandlersTest : public ApiFixture {};

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST_F(DeviceHandlersTest, CreateAnswers201WithLocationAndTheDevice) {
  Response r = Admin("POST", "/api/v1/devices",
                     R"({"name":"sensor-1","protocol":"lwm2m","manufacturer":"Acme",
                         "labels":{"region":"eu"},"metadata":{"installer":"kim"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = Json(r);
  const auto id = d.at("id").as_int64();
  EXPECT_EQ(HeaderOf(r, "Location"), "/api/v1/devices/" + std::to_string(id));
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"1\"");
  EXPECT_EQ(d.at("name").as_string(), "sensor-1");
  EXPECT_EQ(d.at("state").as_string(), "provisioned");
  EXPECT_EQ(d.at("labels").at("region").as_string(), "eu");
  EXPECT_EQ(d.at("metadata").at("installer").as_string(), "kim");

  Response got = Admin("GET", "/api/v1/devices/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Json(got).at("name").as_string(), "sensor-1");
}

TEST_F(DeviceHandlersTest, BadBodiesAre400WithPositionForMalformedJson) {
  Response malformed = Admin("POST", "/api/v1/devices", R"({"name": })");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorCode(malformed), "invalid_argument");
  EXPECT_TRUE(Json(malformed).at("error").as_object().contains("position")) << malformed.body;
  EXPECT_EQ(Admin("POST", "/api/v1/devices", R"({"name": 5})").status, 400);
  EXPECT_EQ(Admin("POST", "/api/v1/devices", R"({"name":"x","colour":"red"})").status, 400);
  EXPECT_EQ(Admin("POST", "/api/v1/devices", R"({"name":"bad name!"})").status, 400);
  EXPECT_EQ(Admin("POST", "/api/v1/devices", "").status, 400);
  EXPECT_EQ(Admin("POST", "/api/v1/devices", "[1]").status, 400);
}

TEST_F(DeviceHandlersTest, DuplicateNameIs409) {
  CreateDevice("dup");
  Response r = Admin("POST", "/api/v1/devices", R"({"name":"dup"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(ErrorCode(r), "already_exists");
}

TEST_F(DeviceHandlersTest, ListFiltersSortsPagesAndCounts) {
  for (int i = 0; i < 5; ++i) {
    CreateDevice("d-" + std::to_string(i),
                 std::string(R"("manufacturer":")") + (i % 2 ? "Acme" : "Other") + "\"");
  }
  Response all = Admin("GET", "/api/v1/devices");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Json(all).at("devices").as_array().size(), 5u);
  EXPECT_TRUE(Json(all).at("next_cursor").is_null());
  EXPECT_FALSE(Json(all).as_object().contains("total"));

  Response acme = Admin("GET", "/api/v1/devices?filter=manufacturer%20%3D%20%22Acme%22&count=true");
  ASSERT_EQ(acme.status, 200) << acme.body;
  EXPECT_EQ(Json(acme).at("devices").as_array().size(), 2u);
  EXPECT_EQ(Json(acme).at("total").as_int64(), 2);

  Response page1 = Admin("GET", "/api/v1/devices?sort=-name&limit=2");
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto p1 = Json(page1);
  ASSERT_EQ(p1.at("devices").as_array().size(), 2u);
  EXPECT_EQ(p1.at("devices").at(0).at("name").as_string(), "d-4");
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  Response page2 = Admin("GET", "/api/v1/devices?sort=-name&limit=2&cursor=" +
                                    std::string(p1.at("next_cursor").as_string()));
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(Json(page2).at("devices").at(0).at("name").as_string(), "d-2");
}

TEST_F(DeviceHandlersTest, BadListParametersAre400) {
  Response bad_filter = Admin("GET", "/api/v1/devices?filter=colour%20%3D%20%22red%22");
  EXPECT_EQ(bad_filter.status, 400);
  EXPECT_TRUE(Json(bad_filter).at("error").as_object().contains("position"));
  EXPECT_EQ(Admin("GET", "/api/v1/devices?limit=0").status, 400);
  EXPECT_EQ(Admin("GET", "/api/v1/devices?limit=1001").status, 400);
  EXPECT_EQ(Admin("GET", "/api/v1/devices?sort=colour").status, 400);
  EXPECT_EQ(Admin("GET", "/api/v1/devices?count=perhaps").status, 400);
}

TEST_F(DeviceHandlersTest, PatchMergesLabelsAndChecksVersions) {
  auto id = std::to_string(CreateDevice("p-1", R"("labels":{"a":"1","b":"2"})"));
  Response r = Admin("PATCH", "/api/v1/devices/" + id,
                     R"({"model":"TH-2","labels":{"b":null,"c":"3"},"version":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = Json(r);
  EXPECT_EQ(d.at("model").as_string(), "TH-2");
  EXPECT_EQ(d.at("labels").as_object().size(), 2u);
  EXPECT_EQ(d.at("labels").at("c").as_string(), "3");
  EXPECT_EQ(d.at("version").as_int64(), 2);

  Response stale = Admin("PATCH", "/api/v1/devices/" + id, R"({"model":"x","version":1})");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(ErrorCode(stale), "conflict");
  Response stale_header =
      Call("PATCH", "/api/v1/devices/" + id, R"({"model":"x"})", admin_, {{"if-match", "\"1\""}});
  EXPECT_EQ(stale_header.status, 409);
  Response fresh_header =
      Call("PATCH", "/api/v1/devices/" + id, R"({"model":"y"})", admin_, {{"if-match", "\"2\""}});
  EXPECT_EQ(fresh_header.status, 200) << fresh_header.body;
  EXPECT_EQ(Admin("PATCH", "/api/v1/devices/" + id, R"({"name":"renamed"})").status, 400);
  EXPECT_EQ(Admin("PATCH", "/api/v1/devices/999999", R"({"model":"x"})").status, 404);
}

TEST_F(DeviceHandlersTest, LifecycleTransitionsAndTheirRefusals) {
  auto id = std::to_string(CreateDevice("l-1"));
  Response disabled = Admin("POST", "/api/v1/devices/" + id + "/disable", R"({"reason":"test"})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(Json(disabled).at("state").as_string(), "disabled");
  Response again = Admin("POST", "/api/v1/devices/" + id + "/disable");
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(ErrorCode(again), "failed_precondition");
  Response enabled = Admin("POST", "/api/v1/devices/" + id + "/enable", "{}");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_NE(Json(enabled).at("state").as_string(), "disabled");
  EXPECT_EQ(Admin("POST", "/api/v1/devices/" + id + "/enable", R"({"why":"x"})").status, 400);
  Response retired = Admin("POST", "/api/v1/devices/" + id + "/retire");
  ASSERT_EQ(retired.status, 200) << retired.body;
  EXPECT_EQ(Json(retired).at("state").as_string(), "retired");
  EXPECT_EQ(Admin("POST", "/api/v1/devices/" + id + "/enable").status, 422);
  EXPECT_EQ(Admin("PATCH", "/api/v1/devices/" + id, R"({"model":"x"})").status, 422);
}

TEST_F(DeviceHandlersTest, DeleteAnswers204ThenTheDeviceIsGone) {
  auto id = std::to_string(CreateDevice("gone-1"));
  Response del = Admin("DELETE", "/api/v1/devices/" + id);
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(Admin("GET", "/api/v1/devices/" + id).status, 404);
  EXPECT_EQ(Admin("DELETE", "/api/v1/devices/" + id).status, 404);
}

TEST_F(DeviceHandlersTest, CredentialsShowTheSecretOnceAndAreRevoked) {
  auto id = std::to_string(CreateDevice("c-1"));
  Response added = Admin("POST", "/api/v1/devices/" + id + "/credentials",
                         R"({"kind":"psk","identity":"c-1-id"})");
  ASSERT_EQ(added.status, 201) << added.body;
  auto body = Json(added);
  EXPECT_FALSE(body.at("secret").as_string().empty());
  const auto cid = std::to_string(body.at("credential").at("id").as_int64());

  Response list = Admin("GET", "/api/v1/devices/" + id + "/credentials");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list).at("credentials").as_array().size(), 1u);
  EXPECT_EQ(list.body.find(std::string(body.at("secret").as_string())), std::string::npos)
      << "secrets are never listed";

  EXPECT_EQ(
      Admin("POST", "/api/v1/devices/" + id + "/credentials", R"({"kind":"magic","identity":"x"})")
          .status,
      400);
  EXPECT_EQ(Admin("DELETE", "/api/v1/devices/" + id + "/credentials/" + cid).status, 204);
  Response after = Admin("GET", "/api/v1/devices/" + id + "/credentials");
  EXPECT_FALSE(Json(after).at("credentials").at(0).at("revoked_at").is_null());
  EXPECT_EQ(Admin("GET", "/api/v1/devices/999999/credentials").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/devices/" + id + "/credentials", "", viewer_).status, 403);
}

}  // namespace
}  // namespace custos::api
