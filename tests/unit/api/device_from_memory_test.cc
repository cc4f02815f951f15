// GET /api/v1/devices/{id} answered on the I/O thread (RestApi::AnswerFromMemory): the same
// answer as the worker path, never a device older than the last change made through the API,
// nothing answered unless the token is known in memory, and a device not read before is read
// at once when the store has an idle connection.
#include "api_fixture.h"

namespace custos::api {
namespace {

class DeviceFromMemoryTest : public ApiFixture {
 protected:
  // The request as the connection builds it, resolved.
  std::optional<Response> FromMemory(const std::string& target, const std::string& secret) {
    Request req;
    req.method = "GET";
    req.path = target;
    if (!secret.empty()) req.headers["authorization"] = "Bearer " + secret;
    return api_->AnswerFromMemory(api_->Resolve(req.method, req.path), req);
  }
  // Reads through the worker path until the memory path can answer (the first read of a
  // device and of a token fills the caches).
  std::optional<Response> Warm(const std::string& target, const std::string& secret) {
    EXPECT_EQ(Call("GET", target, "", secret).status, 200);
    return FromMemory(target, secret);
  }
};

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST_F(DeviceFromMemoryTest, AnswersLikeTheWorkerPathOnceWarm) {
  const auto id = CreateDevice("d1", R"("labels":{"region":"eu"})");
  const std::string target = "/api/v1/devices/" + std::to_string(id);
  auto fast = Warm(target, viewer_);
  ASSERT_TRUE(fast);
  Response slow = Call("GET", target, "", viewer_);
  EXPECT_EQ(fast->status, 200);
  EXPECT_EQ(fast->body, slow.body);
  EXPECT_EQ(HeaderOf(*fast, "ETag"), HeaderOf(slow, "ETag"));
}

TEST_F(DeviceFromMemoryTest, NeverServesADeviceOlderThanTheLastChange) {
  const auto id = CreateDevice("d1");
  const std::string target = "/api/v1/devices/" + std::to_string(id);
  ASSERT_TRUE(Warm(target, viewer_));

  ASSERT_EQ(Admin("PATCH", target, R"({"labels":{"site":"s9"}})").status, 200);
  auto after_patch = FromMemory(target, viewer_);
  if (after_patch) EXPECT_EQ(Json(*after_patch).at("labels").at("site").as_string(), "s9");
  after_patch = Warm(target, viewer_);
  ASSERT_TRUE(after_patch);
  EXPECT_EQ(Json(*after_patch).at("labels").at("site").as_string(), "s9");

  ASSERT_EQ(Admin("POST", target + "/disable", "{}").status, 200);
  auto disabled = FromMemory(target, viewer_);
  if (disabled) EXPECT_EQ(Json(*disabled).at("state").as_string(), "disabled");
  EXPECT_EQ(Json(Call("GET", target, "", viewer_)).at("state").as_string(), "disabled");

  ASSERT_EQ(Admin("POST", target + "/retire", "{}").status, 200);
  auto retired = FromMemory(target, viewer_);
  if (retired) EXPECT_EQ(Json(*retired).at("state").as_string(), "retired");
  retired = Warm(target, viewer_);
  ASSERT_TRUE(retired);
  EXPECT_EQ(Json(*retired).at("state").as_string(), "retired");
}

TEST_F(DeviceFromMemoryTest, DeletedDeviceIsLeftToTheWorkerPath) {
  const auto id = CreateDevice("d1");
  const std::string target = "/api/v1/devices/" + std::to_string(id);
  ASSERT_TRUE(Warm(target, viewer_));
  ASSERT_EQ(Admin("DELETE", target).status, 204);
  EXPECT_FALSE(FromMemory(target, viewer_));
  EXPECT_EQ(Call("GET", target, "", viewer_).status, 404);
}

TEST_F(DeviceFromMemoryTest, AnswersNothingWithoutAKnownToken) {
  const auto id = CreateDevice("d1");
  const std::string target = "/api/v1/devices/" + std::to_string(id);
  ASSERT_TRUE(Warm(target, viewer_));
  EXPECT_FALSE(FromMemory(target, ""));
  EXPECT_FALSE(FromMemory(target, "cst_not-a-token-at-all-0123456789"));
  EXPECT_EQ(Call("GET", target, "", "").status, 401);
}

TEST_F(DeviceFromMemoryTest, RevokedTokenIsLeftToTheWorkerPathAndRefused) {
  const auto id = CreateDevice("d1");
  const std::string target = "/api/v1/devices/" + std::to_string(id);
  auto actor = tokens_->Authenticate(admin_);
  ASSERT_TRUE(actor);
  auto created = tokens_->Create(*actor, "short-lived", core::Role::kViewer, std::nullopt);
  ASSERT_TRUE(created);
  ASSERT_TRUE(Warm(target, created->secret));
  ASSERT_TRUE(tokens_->Revoke(*actor, created->token.id));
  EXPECT_FALSE(FromMemory(target, created->secret));
  EXPECT_EQ(Call("GET", target, "", created->secret).status, 401);
}

TEST_F(DeviceFromMemoryTest, ReadsADeviceNotInMemoryOnceTheTokenIsKnown) {
  const auto warm = CreateDevice("d1");
  const auto cold = CreateDevice("d2", R"("labels":{"site":"s2"})");
  ASSERT_TRUE(Warm("/api/v1/devices/" + std::to_string(warm), viewer_));
  const std::string target = "/api/v1/devices/" + std::to_string(cold);
  auto fast = FromMemory(target, viewer_);  // nothing else holds a store connection
  ASSERT_TRUE(fast);
  Response slow = Call("GET", target, "", viewer_);
  EXPECT_EQ(fast->status, 200);
  EXPECT_EQ(fast->body, slow.body);
  EXPECT_EQ(HeaderOf(*fast, "ETag"), HeaderOf(slow, "ETag"));
}

TEST_F(DeviceFromMemoryTest, OtherRoutesHaveNoMemoryPath) {
  CreateDevice("d1");
  EXPECT_EQ(Call("GET", "/api/v1/devices", "", viewer_).status, 200);
  EXPECT_FALSE(FromMemory("/api/v1/devices", viewer_));
}

}  // namespace
}  // namespace custos::api
