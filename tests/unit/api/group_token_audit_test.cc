// Groups, operator tokens and the audit log through the handlers.
#include "api_fixture.h"

namespace custos::api {
namespace {

class GroupTokenAuditTest : public ApiFixture {};

TEST_F(GroupTokenAuditTest, StaticGroupMembership) {
  auto a = CreateDevice("g-a");
  CreateDevice("g-b");
  Response created = Admin("POST", "/api/v1/groups", R"({"name":"eu","kind":"static"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto gid = std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Admin("POST", "/api/v1/groups/" + gid + "/members",
                  R"({"devices":[)" + std::to_string(a) + "]}")
                .status,
            204);
  Response members = Admin("GET", "/api/v1/groups/" + gid + "/devices?count=true");
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_EQ(Json(members).at("devices").as_array().size(), 1u);
  EXPECT_EQ(Json(members).at("total").as_int64(), 1);
  Response via_list = Admin("GET", "/api/v1/devices?group=" + gid);
  EXPECT_EQ(Json(via_list).at("devices").as_array().size(), 1u);
  EXPECT_EQ(Admin("POST", "/api/v1/groups/" + gid + "/members/remove",
                  R"({"devices":[)" + std::to_string(a) + "]}")
                .status,
            204);
  EXPECT_EQ(
      Json(Admin("GET", "/api/v1/groups/" + gid + "/devices")).at("devices").as_array().size(), 0u);
  EXPECT_EQ(Admin("POST", "/api/v1/groups/" + gid + "/members", R"({"devices":["x"]})").status,
            400);
}

TEST_F(GroupTokenAuditTest, DynamicGroupsSelectByFilter) {
  CreateDevice("dyn-1", R"("labels":{"region":"eu"})");
  CreateDevice("dyn-2", R"("labels":{"region":"us"})");
  Response created =
      Admin("POST", "/api/v1/groups",
            R"({"name":"eu-devs","kind":"dynamic","filter":"labels.region = \"eu\""})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto gid = std::to_string(Json(created).at("id").as_int64());
  Response members = Admin("GET", "/api/v1/groups/" + gid + "/devices?count=true");
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_EQ(Json(members).at("total").as_int64(), 1);
  EXPECT_EQ(Json(members).at("devices").at(0).at("name").as_string(), "dyn-1");
  Response static_op = Admin("POST", "/api/v1/groups/" + gid + "/members", R"({"devices":[1]})");
  EXPECT_EQ(static_op.status, 422);
}

TEST_F(GroupTokenAuditTest, GroupCrud) {
  Response created =
      Admin("POST", "/api/v1/groups", R"({"name":"g1","kind":"static","description":"first"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto gid = std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Admin("POST", "/api/v1/groups", R"({"name":"g1","kind":"static"})").status, 409);
  EXPECT_EQ(Admin("POST", "/api/v1/groups", R"({"name":"g2","kind":"fuzzy"})").status, 400);
  Response patched = Admin("PATCH", "/api/v1/groups/" + gid, R"({"description":"changed"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("description").as_string(), "changed");
  Response list = Admin("GET", "/api/v1/groups");
  EXPECT_EQ(Json(list).at("groups").as_array().size(), 1u);
  EXPECT_EQ(Admin("DELETE", "/api/v1/groups/" + gid).status, 204);
  EXPECT_EQ(Admin("GET", "/api/v1/groups/" + gid).status, 404);
}

TEST_F(GroupTokenAuditTest, TokensAreCreatedListedAndRevoked) {
  Response created = Admin("POST", "/api/v1/tokens",
                           R"({"name":"ci","role":"viewer","expires_at":"2099-01-01T00:00:00Z"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = Json(created);
  const std::string secret(body.at("secret").as_string());
  EXPECT_TRUE(secret.starts_with("cst_"));
  EXPECT_EQ(Call("GET", "/api/v1/devices", "", secret).status, 200);
  Response list = Admin("GET", "/api/v1/tokens");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  const auto tid = std::to_string(body.at("token").at("id").as_int64());
  EXPECT_EQ(Admin("DELETE", "/api/v1/tokens/" + tid).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/devices", "", secret).status, 401);
  EXPECT_EQ(Admin("POST", "/api/v1/tokens", R"({"name":"x","role":"god"})").status, 400);
  EXPECT_EQ(
      Admin("POST", "/api/v1/tokens", R"({"name":"x","role":"viewer","expires_at":"soon"})").status,
      400);
}

TEST_F(GroupTokenAuditTest, AuditListsNewestFirstWithFiltersAndCursor) {
  for (int i = 0; i < 3; ++i) CreateDevice("a-" + std::to_string(i));
  Response all = Admin("GET", "/api/v1/audit?action=device.");
  ASSERT_EQ(all.status, 200) << all.body;
  auto entries = Json(all).at("entries").as_array();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_GT(entries[0].at("id").as_int64(), entries[1].at("id").as_int64());
  EXPECT_EQ(entries[0].at("action").as_string(), "device.create");

  Response page1 = Admin("GET", "/api/v1/audit?action=device.&limit=2");
  auto p1 = Json(page1);
  ASSERT_EQ(p1.at("entries").as_array().size(), 2u);
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  Response page2 = Admin("GET", "/api/v1/audit?action=device.&limit=2&cursor=" +
                                    std::string(p1.at("next_cursor").as_string()));
  EXPECT_EQ(Json(page2).at("entries").as_array().size(), 1u);
  EXPECT_EQ(Admin("GET", "/api/v1/audit?since=yesterday").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/audit", "", viewer_).status, 200);
}

}  // namespace
}  // namespace custos::api
