// The REST API end to end: the real server, real sockets, the contract of docs/api.md.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Creates a token with `role` and returns its secret.
  std::string TokenFor(const std::string& role) {
    auto r = admin_->Post("/api/v1/tokens", R"({"name":"t-)" + role + R"(","role":")" + role +
                                                R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.Json().at("secret").as_string());
  }

  json::object CreateDevice(const std::string& body) {
    auto r = admin_->Post("/api/v1/devices", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().as_object();
  }

  static std::string ErrorCode(const HttpResponse& r) {
    auto v = r.Json();
    if (!v.is_object() || !v.as_object().contains("error")) return "<no error object>";
    return std::string(v.at("error").at("code").as_string());
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(ServerTest, HealthzAndMetricsNeedNoToken) {
  HttpClient anon(server_->host(), server_->port());
  auto h = anon.Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.Json().at("status").as_string(), "ok");
  CreateDevice(R"({"name":"m-1"})");
  auto m = anon.Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("custos_http_requests_total"), std::string::npos);
  EXPECT_NE(m.body.find("custos_devices{state=\"provisioned\"} 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("custos_store_write_batches_total"), std::string::npos);
  EXPECT_NE(m.body.find("custos_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(ServerTest, NoTokenIs401AndViewerWritingIs403) {
  HttpClient anon(server_->host(), server_->port());
  auto r = anon.Get("/api/v1/devices");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorCode(r), "unauthenticated");
  HttpClient wrong(server_->host(), server_->port(), "cst_not-a-real-token");
  EXPECT_EQ(wrong.Get("/api/v1/devices").status, 401);

  HttpClient viewer(server_->host(), server_->port(), TokenFor("viewer"));
  EXPECT_EQ(viewer.Get("/api/v1/devices").status, 200);
  auto w = viewer.Post("/api/v1/devices", R"({"name":"v-1"})");
  EXPECT_EQ(w.status, 403);
  EXPECT_EQ(ErrorCode(w), "permission_denied");

  HttpClient op(server_->host(), server_->port(), TokenFor("operator"));
  EXPECT_EQ(op.Post("/api/v1/devices", R"({"name":"o-1"})").status, 201);
  EXPECT_EQ(op.Get("/api/v1/tokens").status, 403) << "tokens are for admins";
}

TEST_F(ServerTest, RevokedTokenStopsWorkingAtOnce) {
  auto created = admin_->Post("/api/v1/tokens", R"({"name":"short-lived","role":"operator"})");
  ASSERT_EQ(created.status, 201);
  auto secret = std::string(created.Json().at("secret").as_string());
  auto id = created.Json().at("token").at("id").as_int64();
  HttpClient op(server_->host(), server_->port(), secret);
  EXPECT_EQ(op.Get("/api/v1/devices").status, 200);
  EXPECT_EQ(admin_->Delete("/api/v1/tokens/" + std::to_string(id)).status, 204);
  EXPECT_EQ(op.Get("/api/v1/devices").status, 401);
  auto list = admin_->Get("/api/v1/tokens").body;
  EXPECT_EQ(list.find(secret), std::string::npos) << "secrets are never listed";
}

TEST_F(ServerTest, DeviceLifecycle) {
  auto d = CreateDevice(
      R"({"name":"gw-1","protocol":"mqtt","manufacturer":"Acme","firmware_version":"2.0.1",)"
      R"("labels":{"region":"eu"},"metadata":{"rack":7}})");
  auto id = std::to_string(d.at("id").as_int64());
  EXPECT_EQ(d.at("state").as_string(), "provisioned");
  EXPECT_EQ(d.at("labels").at("region").as_string(), "eu");
  EXPECT_EQ(d.at("metadata").at("rack").as_int64(), 7);

  auto got = admin_->Get("/api/v1/devices/" + id);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.Json().at("name").as_string(), "gw-1");

  auto patched = admin_->Patch("/api/v1/devices/" + id,
                               R"({"labels":{"region":null,"site":"b3"},"model":"GW-2"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(patched.Json().at("labels").as_object().contains("region"));
  EXPECT_EQ(patched.Json().at("labels").at("site").as_string(), "b3");
  EXPECT_EQ(patched.Json().at("model").as_string(), "GW-2");

  auto disabled = admin_->Post("/api/v1/devices/" + id + "/disable", R"({"reason":"theft"})");
  EXPECT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.Json().at("state").as_string(), "disabled");
  auto again = admin_->Post("/api/v1/devices/" + id + "/disable", "{}");
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(ErrorCode(again), "failed_precondition");
  EXPECT_EQ(admin_->Post("/api/v1/devices/" + id + "/enable", "{}").status, 200);

  auto cred = admin_->Post("/api/v1/devices/" + id + "/credentials", R"({"kind":"psk","identity":"gw-1-psk"})");
  ASSERT_EQ(cred.status, 201) << cred.body;
  EXPECT_EQ(cred.Json().at("secret").as_string().size(), 32u);

  auto retired = admin_->Post("/api/v1/devices/" + id + "/retire", "{}");
  EXPECT_EQ(retired.status, 200);
  EXPECT_EQ(retired.Json().at("state").as_string(), "retired");
  auto creds = admin_->Get("/api/v1/devices/" + id + "/credentials").Json();
  ASSERT_EQ(creds.at("credentials").as_array().size(), 1u);
  EXPECT_FALSE(creds.at("credentials").at(0).at("revoked_at").is_null())
      << "retirement revokes every credential";
  EXPECT_EQ(admin_->Post("/api/v1/devices/" + id + "/enable", "{}").status, 422)
      << "retired is final";
  EXPECT_EQ(admin_->Patch("/api/v1/devices/" + id, R"({"model":"x"})").status, 422);

  EXPECT_EQ(admin_->Delete("/api/v1/devices/" + id).status, 204);
  auto gone = admin_->Get("/api/v1/devices/" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCode(gone), "not_found");
}

TEST_F(ServerTest, DuplicateNameIs409) {
  CreateDevice(R"({"name":"dup"})");
  auto r = admin_->Post("/api/v1/devices", R"({"name":"dup"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(ErrorCode(r), "already_exists");
}

TEST_F(ServerTest, BadInputGetsPreciseErrors) {
  auto malformed = admin_->Post("/api/v1/devices", R"({"name": "x",})");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorCode(malformed), "invalid_argument");
  EXPECT_TRUE(malformed.Json().at("error").as_object().contains("position")) << malformed.body;

  auto wrong_type = admin_->Post("/api/v1/devices", R"({"name": 17})");
  EXPECT_EQ(wrong_type.status, 400);
  auto unknown = admin_->Post("/api/v1/devices", R"({"name": "a", "colour": "red"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("colour"), std::string::npos);
  auto bad_name = admin_->Post("/api/v1/devices", R"({"name": "has space"})");
  EXPECT_EQ(bad_name.status, 400);

  std::string huge = R"({"name":"big","metadata":{"x":")" + std::string(2 << 20, 'a') + "\"}}";
  auto too_big = admin_->Post("/api/v1/devices", huge);
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(ErrorCode(too_big), "payload_too_large");

  auto bad_filter = admin_->Get("/api/v1/devices?filter=colour%20%3D%20%22red%22");
  EXPECT_EQ(bad_filter.status, 400);
  EXPECT_EQ(bad_filter.Json().at("error").at("position").as_int64(), 0);

  EXPECT_EQ(admin_->Get("/api/v1/devices/abc").status, 404);
  EXPECT_EQ(admin_->Get("/api/v1/nothing-here").status, 404);
  EXPECT_EQ(admin_->Request("PUT", "/api/v1/devices").status, 405);
  EXPECT_EQ(admin_->Get("/api/v1/devices?limit=0").status, 400);
  EXPECT_EQ(admin_->Get("/api/v1/devices?cursor=%%%").status, 400);
}

TEST_F(ServerTest, GarbageOnTheSocketDoesNotHurtTheServer) {
  HttpClient raw(server_->host(), server_->port());
  auto answer = raw.Raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
                        std::string(300, '\xff') + "\r\n\r\n");
  EXPECT_TRUE(answer.empty() || answer.find("400") != std::string::npos) << answer;
  raw.Raw("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
  EXPECT_EQ(admin_->Get("/healthz").status, 200);
}

TEST_F(ServerTest, FilterPaginationAndSort) {
  for (int i = 0; i < 25; ++i) {
    CreateDevice(R"({"name":"s-)" + std::to_string(100 + i) + R"(","manufacturer":")" +
                 (i % 2 ? "Acme" : "Other") + R"(","firmware_version":"2.)" +
                 std::to_string(i % 12) + R"(","labels":{"region":")" +
                 (i % 3 == 0 ? "eu" : "us") + R"("}})");
  }
  // firmware 2.9 < 2.10 < 2.11 by version, not string order.
  auto v = admin_->Get(
      "/api/v1/devices?filter=" +
      std::string("firmware_version%20%3E%20%222.9%22%20and%20manufacturer%20%3D%20%22Acme%22") +
      "&count=true");
  ASSERT_EQ(v.status, 200) << v.body;
  for (const auto& d : v.Json().at("devices").as_array()) {
    auto fw = std::string(d.at("firmware_version").as_string());
    EXPECT_TRUE(fw == "2.10" || fw == "2.11") << fw;
  }
  EXPECT_EQ(v.Json().at("total").as_int64(), 2);  // i = 11 (2.11) and 23 (2.11); 21 is 2.9

  std::set<std::string> seen;
  std::string cursor;
  std::string previous;
  int pages = 0;
  do {
    auto page = admin_->Get("/api/v1/devices?sort=-name&limit=7" +
                            (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& d : page.Json().at("devices").as_array()) {
      auto name = std::string(d.at("name").as_string());
      if (!previous.empty()) EXPECT_LT(name, previous) << "descending by name";
      previous = name;
      EXPECT_TRUE(seen.insert(name).second) << "each device once";
    }
    auto next = page.Json().at("next_cursor");
    cursor = next.is_null() ? "" : std::string(next.as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 4);
}

TEST_F(ServerTest, Groups) {
  auto a = CreateDevice(R"({"name":"g-a","labels":{"region":"eu"}})");
  auto b = CreateDevice(R"({"name":"g-b","labels":{"region":"us"}})");
  auto dyn = admin_->Post("/api/v1/groups",
                          R"({"name":"eu","kind":"dynamic","filter":"labels.region = \"eu\""})");
  ASSERT_EQ(dyn.status, 201) << dyn.body;
  auto dyn_id = std::to_string(dyn.Json().at("id").as_int64());
  auto members = admin_->Get("/api/v1/groups/" + dyn_id + "/devices").Json();
  ASSERT_EQ(members.at("devices").as_array().size(), 1u);
  EXPECT_EQ(members.at("devices").at(0).at("name").as_string(), "g-a");

  auto st = admin_->Post("/api/v1/groups", R"({"name":"picked","kind":"static"})");
  ASSERT_EQ(st.status, 201) << st.body;
  auto st_id = std::to_string(st.Json().at("id").as_int64());
  auto add = admin_->Post("/api/v1/groups/" + st_id + "/members",
                          R"({"devices":[)" + std::to_string(b.at("id").as_int64()) + "]}");
  EXPECT_EQ(add.status, 204) << add.body;
  auto listed = admin_->Get("/api/v1/devices?group=" + st_id).Json();
  ASSERT_EQ(listed.at("devices").as_array().size(), 1u);
  EXPECT_EQ(listed.at("devices").at(0).at("name").as_string(), "g-b");

  auto bad = admin_->Post("/api/v1/groups", R"({"name":"bad","kind":"dynamic","filter":"x ="})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(admin_->Post("/api/v1/groups", R"({"name":"eu","kind":"static"})").status, 409);
  EXPECT_EQ(admin_->Post("/api/v1/groups/" + dyn_id + "/members", R"({"devices":[1]})").status,
            422);
  EXPECT_EQ(admin_->Delete("/api/v1/groups/" + dyn_id).status, 204);
  (void)a;
}

TEST_F(ServerTest, AuditLogRecordsWhoDidWhat) {
  auto d = CreateDevice(R"({"name":"audited"})");
  auto id = std::to_string(d.at("id").as_int64());
  admin_->Post("/api/v1/devices/" + id + "/disable", R"({"reason":"maintenance"})");
  auto audit = admin_->Get("/api/v1/audit?target_type=device&target_id=" + id);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto& entries = audit.Json().at("entries").as_array();
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries.at(0).at("action").as_string(), "device.disable");
  EXPECT_EQ(entries.at(0).at("actor").as_string(), "admin");
  EXPECT_EQ(entries.at(1).at("action").as_string(), "device.create");
  EXPECT_FALSE(entries.at(0).at("at").as_string().empty());
}

TEST_F(ServerTest, EventStreamCarriesLifecycleEvents) {
  SseStream all(server_->host(), server_->port(), "/api/v1/events?type=device.*", kAdminToken);
  ASSERT_EQ(all.status(), 200);
  auto d = CreateDevice(R"({"name":"ev-1"})");
  auto id = std::to_string(d.at("id").as_int64());
  SseStream mine(server_->host(), server_->port(),
                 "/api/v1/events?device=" + id + "&type=device.retired", kAdminToken);
  admin_->Post("/api/v1/devices/" + id + "/retire", "{}");

  auto first = all.Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, "device.created");
  auto second = all.Next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->type, "device.retired");
  auto only = mine.Next();
  ASSERT_TRUE(only);
  EXPECT_EQ(only->type, "device.retired");
  EXPECT_EQ(json::parse(only->data).at("device_id").as_int64(), d.at("id").as_int64());

  // Resuming from the first event's id replays what came after it.
  SseStream resumed(server_->host(), server_->port(), "/api/v1/events", kAdminToken, first->id);
  auto replayed = resumed.Next();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->type, "device.retired");
}

TEST_F(ServerTest, OpenApiDocumentIsServed) {
  HttpClient anon(server_->host(), server_->port());
  auto r = anon.Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.Json();
  EXPECT_EQ(std::string(doc.at("openapi").as_string()).substr(0, 2), "3.");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/devices"));
}

}  // namespace
}  // namespace custos::testing
