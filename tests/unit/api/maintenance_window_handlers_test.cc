// Maintenance windows and bulk operations through RestApi (no sockets), over the real engine
// without a driver thread: window create / get / update / delete (409 while attached),
// attach and detach, a bulk reboot over a group held by the group's closed window and let go
// when the window is changed to one open now, dry runs, roles and bad bodies.
#include <ctime>

#include "api_fixture.h"
#include "ops/ops.h"

namespace custos::api {
namespace {

// Takes every kind for protocol "mqtt" and never reaches a device: operations wait offline.
class UnreachableDeliverer final : public ops::Deliverer {
 public:
  std::string_view Protocol() const override { return "mqtt"; }
  bool Supports(core::OperationKind) const override { return true; }
  bool Reachable(const core::Device&) const override { return false; }
  void Deliver(const core::Operation&, const core::Device&) override {}
  void Cancel(const core::Operation&, const core::Device&) override {}
};

class WindowHandlersTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ops::EngineOptions engine_options;
    engine_options.driver_thread = false;
    engine_ = std::make_unique<ops::Engine>(
        ops::EngineServices{*store_, *registry_, *events_, core::SystemClock()}, engine_options);
    engine_->AddDeliverer(deliverer_);
    ASSERT_TRUE(engine_->Start());
    Services with = services();
    with.operations = engine_.get();
    api_ = std::make_unique<RestApi>(with);
  }
  void TearDown() override {
    api_.reset();
    engine_.reset();
    ApiFixture::TearDown();
  }

  // The waiting_for of every reboot ("" for none).
  std::vector<std::string> RebootsWaitingFor() {
    Response r = Call("GET", "/api/v1/operations?kind=reboot&limit=1000", "", viewer_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const boost::json::value page = Json(r);
    for (const auto& op : page.at("operations").as_array()) {
      const auto& w = op.at("waiting_for");
      out.push_back(w.is_string() ? std::string(w.as_string()) : "");
    }
    return out;
  }

  UnreachableDeliverer deliverer_;
  std::unique_ptr<ops::Engine> engine_;
};

TEST_F(WindowHandlersTest, WindowIsCreatedReadUpdatedAndDeletedOnceDetached) {
  Response created = Call("POST", "/api/v1/maintenance-windows",
                          R"({"name":"nights","cron":"0 2 * * 1-5","duration_s":7200,)"
                          R"("time_zone":"Europe/Berlin"})",
                          operator_);
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = Json(created);
  const std::string id = std::to_string(body.at("id").as_int64());
  EXPECT_EQ(body.at("cron").as_string(), "0 2 * * 1-5");
  EXPECT_EQ(body.at("time_zone").as_string(), "Europe/Berlin");
  EXPECT_TRUE(body.at("next_opening").is_string());
  EXPECT_EQ(Call("POST", "/api/v1/maintenance-windows",
                 R"({"name":"nights","cron":"0 3 * * *","duration_s":60})", operator_)
                .status,
            409);

  Response patched = Call("PATCH", "/api/v1/maintenance-windows/" + id,
                          R"({"cron":"30 1 * * *","version":1})", operator_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("cron").as_string(), "30 1 * * *");
  EXPECT_EQ(Json(patched).at("version").as_int64(), 2);
  EXPECT_EQ(Call("PATCH", "/api/v1/maintenance-windows/" + id, R"({"cron":"x","version":2})",
                 operator_)
                .status,
            400);

  Response group = Call("POST", "/api/v1/groups", R"({"name":"pumps","kind":"static"})", operator_);
  ASSERT_EQ(group.status, 201) << group.body;
  const std::string gid = std::to_string(Json(group).at("id").as_int64());
  const std::string attachment = "/api/v1/groups/" + gid + "/maintenance-windows/" + id;
  EXPECT_EQ(Call("PUT", attachment, "", viewer_).status, 403);
  ASSERT_EQ(Call("PUT", attachment, "", operator_).status, 204);
  Response listed = Call("GET", "/api/v1/groups/" + gid + "/maintenance-windows", "", viewer_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Json(listed).at("maintenance_windows").as_array().size(), 1u);
  Response got = Call("GET", "/api/v1/maintenance-windows/" + id, "", viewer_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got).at("groups").as_array().at(0).as_int64(), std::stoll(gid));

  Response in_use = Call("DELETE", "/api/v1/maintenance-windows/" + id, "", operator_);
  EXPECT_EQ(in_use.status, 409) << in_use.body;
  ASSERT_EQ(Call("DELETE", attachment, "", operator_).status, 204);
  EXPECT_EQ(Call("DELETE", attachment, "", operator_).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/maintenance-windows/" + id, "", operator_).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/maintenance-windows/" + id, "", viewer_).status, 404);
}

TEST_F(WindowHandlersTest, BadWindowsAreRefusedNamingTheField) {
  for (const char* bad : {R"({"name":"a","cron":"0 25 * * *","duration_s":60})",
                          R"({"name":"a","cron":"0 1 * * *","duration_s":0})",
                          R"({"name":"a","cron":"0 1 * * *","duration_s":60,"time_zone":"Mars/X"})",
                          R"({"name":"a","cron":"0 1 * * *"})",
                          R"({"name":"a","cron":"0 1 * * *","duration_s":60,"colour":1})"}) {
    Response r = Call("POST", "/api/v1/maintenance-windows", bad, operator_);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
}

TEST_F(WindowHandlersTest, BulkRebootOverAGroupIsHeldByItsClosedWindowUntilItOpens) {
  std::string members;
  for (int i = 1; i <= 4; ++i) {
    members += (members.empty() ? "" : ",") +
               std::to_string(CreateDevice("pump-" + std::to_string(i), R"("protocol":"mqtt")"));
  }
  members += "," + std::to_string(CreateDevice("cpe-1", R"("protocol":"cwmp")"));
  const std::int64_t retired = CreateDevice("pump-old", R"("protocol":"mqtt")");
  ASSERT_EQ(Admin("POST", "/api/v1/devices/" + std::to_string(retired) + "/retire",
                  R"({"reason":"gone"})")
                .status,
            200);
  members += "," + std::to_string(retired);
  Response group = Admin("POST", "/api/v1/groups", R"({"name":"pumps","kind":"static"})");
  const std::string gid = std::to_string(Json(group).at("id").as_int64());
  ASSERT_EQ(Admin("POST", "/api/v1/groups/" + gid + "/members", R"({"devices":[)" + members + "]}")
                .status,
            204);

  // Closed now: one minute a day, twelve hours from now.
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  Response window = Call("POST", "/api/v1/maintenance-windows",
                         R"({"name":"night","duration_s":60,"cron":"0 )" +
                             std::to_string((utc.tm_hour + 12) % 24) + R"( * * *"})",
                         operator_);
  ASSERT_EQ(window.status, 201) << window.body;
  EXPECT_FALSE(Json(window).at("open_now").as_bool());
  const std::string wid = std::to_string(Json(window).at("id").as_int64());
  ASSERT_EQ(Call("PUT", "/api/v1/groups/" + gid + "/maintenance-windows/" + wid, "", operator_)
                .status,
            204);

  const std::string selector = R"({"selector":{"group":)" + gid + R"(},"operation":{"kind":"reboot"})";
  Response dry = Call("POST", "/api/v1/operations/bulk", selector + R"(,"dry_run":true})",
                      operator_);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(Json(dry).at("selected").as_int64(), 6);
  EXPECT_EQ(Json(dry).at("created").as_int64(), 4);
  EXPECT_EQ(Json(dry).at("skipped").at("retired").as_int64(), 1);
  EXPECT_EQ(Json(dry).at("skipped").at("unsupported_kind").as_int64(), 1);
  EXPECT_TRUE(RebootsWaitingFor().empty());

  Response bulk = Call("POST", "/api/v1/operations/bulk", selector + "}", operator_);
  ASSERT_EQ(bulk.status, 201) << bulk.body;
  EXPECT_EQ(Json(bulk).at("created").as_int64(), 4);
  engine_->Poll();
  EXPECT_EQ(RebootsWaitingFor(), std::vector<std::string>(4, "maintenance_window"));

  Response open = Call("PATCH", "/api/v1/maintenance-windows/" + wid,
                       R"({"cron":"* * * * *","duration_s":3600})", operator_);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_TRUE(Json(open).at("open_now").as_bool());
  EXPECT_EQ(RebootsWaitingFor(), std::vector<std::string>(4, "offline"));
}

TEST_F(WindowHandlersTest, BulkRequestsAreCheckedAndIgnoringWindowsTakesAnAdmin) {
  const std::int64_t device = CreateDevice("pump-1", R"("protocol":"mqtt")");
  EXPECT_EQ(Call("POST", "/api/v1/operations/bulk",
                 R"({"selector":{"filter":"name = \"pump-1\""},"operation":{"kind":"reboot"}})",
                 viewer_)
                .status,
            403);
  for (const char* bad :
       {R"({"operation":{"kind":"reboot"}})", R"({"selector":{"group":1,"filter":"id = 1"},)"
                                              R"("operation":{"kind":"reboot"}})",
        R"({"selector":{"filter":"colour = 1"},"operation":{"kind":"reboot"}})",
        R"({"selector":{"filter":"id = 1"},"operation":{"kind":"nap"}})",
        R"({"selector":{"filter":"id = 1"},"operation":{"kind":"reboot"},"dry_run":1})"}) {
    Response r = Call("POST", "/api/v1/operations/bulk", bad, operator_);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/operations/bulk",
                 R"({"selector":{"group":999},"operation":{"kind":"reboot"}})", operator_)
                .status,
            404);

  const std::string path = "/api/v1/devices/" + std::to_string(device) + "/operations";
  EXPECT_EQ(Call("POST", path, R"({"kind":"reboot","ignore_maintenance_windows":true})",
                 operator_)
                .status,
            403);
  EXPECT_EQ(Call("POST", path, R"({"kind":"reboot","window_ids":[999]})", operator_).status, 400);
  Response ignoring =
      Admin("POST", path, R"({"kind":"configure","ignore_maintenance_windows":true})");
  ASSERT_EQ(ignoring.status, 201) << ignoring.body;
  EXPECT_TRUE(Json(ignoring).at("ignore_maintenance_windows").as_bool());
  EXPECT_TRUE(Json(ignoring).at("window_ids").as_array().empty());
}

}  // namespace
}  // namespace custos::api
