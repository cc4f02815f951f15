// The campaign handlers through RestApi (no sockets), over the real engine and campaign
// manager without driver threads: create (201 with counts), get with timeline, member pages,
// operations by campaign, pause / resume / abort, roles, bad bodies, and 503 without campaigns.
#include "api_fixture.h"
#include "campaign/campaign.h"
#include "ops/ops.h"

namespace custos::api {
namespace {

// Takes every kind for protocol "mqtt" and never reaches a device: operations wait offline.
class OfflineDeliverer final : public ops::Deliverer {
 public:
  std::string_view Protocol() const override { return "mqtt"; }
  bool Supports(core::OperationKind) const override { return true; }
  bool Reachable(const core::Device&) const override { return false; }
  void Deliver(const core::Operation&, const core::Device&) override {}
  void Cancel(const core::Operation&, const core::Device&) override {}
};

class CampaignHandlersTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ops::EngineOptions engine_options;
    engine_options.driver_thread = false;
    engine_ = std::make_unique<ops::Engine>(
        ops::EngineServices{*store_, *registry_, *events_, core::SystemClock()}, engine_options);
    engine_->AddDeliverer(deliverer_);
    ASSERT_TRUE(engine_->Start());
    campaign::ManagerOptions options;
    options.driver_thread = false;
    manager_ = std::make_unique<campaign::Manager>(
        campaign::ManagerServices{*store_, *registry_, *events_, core::SystemClock(), *engine_},
        options);
    ASSERT_TRUE(manager_->Start());
    Services with = services();
    with.operations = engine_.get();
    with.campaigns = manager_.get();
    api_ = std::make_unique<RestApi>(with);
  }
  void TearDown() override {
    api_.reset();
    manager_.reset();
    engine_.reset();
    ApiFixture::TearDown();
  }

  // What the driver threads would do: the engine takes up the operations a campaign created,
  // the manager counts their outcomes and admits more.
  void Drive() {
    for (int i = 0; i < 3; ++i) {
      engine_->Poll();
      manager_->Poll();
    }
  }

  OfflineDeliverer deliverer_;
  std::unique_ptr<ops::Engine> engine_;
  std::unique_ptr<campaign::Manager> manager_;
};

TEST_F(CampaignHandlersTest, ACampaignRunsToCompletionAndShowsCountsTimelineAndDevices) {
  for (int i = 0; i < 3; ++i) CreateDevice("cam-" + std::to_string(i));
  CreateDevice("other");
  // disable is done by the engine itself: each operation succeeds as soon as it is taken up.
  Response created = Call("POST", "/api/v1/campaigns",
                          R"({"name":"off","selector":{"filter":"name ~ \"cam-*\""},)"
                          R"("operation":{"kind":"disable"},"rollout":{"batch_size":2}})",
                          operator_);
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = Json(created);
  const std::int64_t id = body.at("id").as_int64();
  EXPECT_EQ(body.at("total").as_int64(), 3);
  EXPECT_EQ(body.at("state").as_string(), "running");
  EXPECT_EQ(body.at("counts").at("pending").as_int64(), 2) << "the first batch is admitted";
  EXPECT_EQ(body.at("spec").at("rollout").at("batch_size").as_int64(), 2);
  Drive();

  Response got = Call("GET", "/api/v1/campaigns/" + std::to_string(id), "", viewer_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got).at("state").as_string(), "completed");
  EXPECT_EQ(Json(got).at("counts").at("succeeded").as_int64(), 3);
  auto timeline = Json(got).at("timeline").as_array();
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline[0].at("kind").as_string(), "created");
  EXPECT_EQ(timeline[1].at("details").at("size").as_int64(), 2);
  EXPECT_EQ(timeline[3].at("kind").as_string(), "completed");

  Response page = Call("GET", "/api/v1/campaigns/" + std::to_string(id) + "/devices?limit=2", "",
                       viewer_);
  ASSERT_EQ(page.status, 200) << page.body;
  auto devices = Json(page).at("devices").as_array();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].at("outcome").as_string(), "succeeded");
  EXPECT_EQ(devices[0].at("batch").as_int64(), 0);
  const std::string cursor(Json(page).at("next_cursor").as_string());
  Response rest = Call("GET",
                       "/api/v1/campaigns/" + std::to_string(id) + "/devices?cursor=" + cursor,
                       "", viewer_);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(Json(rest).at("devices").as_array().size(), 1u);
  EXPECT_TRUE(Json(rest).at("next_cursor").is_null());

  Response ops = Call("GET", "/api/v1/operations?campaign=" + std::to_string(id), "", viewer_);
  ASSERT_EQ(ops.status, 200) << ops.body;
  EXPECT_EQ(Json(ops).at("operations").as_array().size(), 3u);

  Response list = Call("GET", "/api/v1/campaigns", "", viewer_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list).at("campaigns").as_array().size(), 1u);

  Response pause = Call("POST", "/api/v1/campaigns/" + std::to_string(id) + "/pause", "",
                        operator_);
  EXPECT_EQ(pause.status, 422) << pause.body;
}

TEST_F(CampaignHandlersTest, PauseResumeAndAbortAreTheOperatorsAndAudited) {
  for (int i = 0; i < 4; ++i) CreateDevice("cam-" + std::to_string(i), R"("protocol":"mqtt")");
  Response created = Call("POST", "/api/v1/campaigns",
                          R"({"name":"boot","selector":{"filter":"name ~ \"cam-*\""},)"
                          R"("operation":{"kind":"reboot"},"rollout":{"batch_size":2}})",
                          operator_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string base = "/api/v1/campaigns/" + std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Json(created).at("counts").at("pending").as_int64(), 2);
  EXPECT_EQ(Json(created).at("counts").at("queued").as_int64(), 2);
  Drive();
  Response got = Call("GET", base, "", viewer_);
  EXPECT_EQ(Json(got).at("counts").at("waiting").as_int64(), 2) << "held: the device is offline";

  EXPECT_EQ(Call("POST", base + "/pause", "", viewer_).status, 403);
  Response paused = Call("POST", base + "/pause", "", operator_);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(Json(paused).at("state").as_string(), "paused");
  Response resumed = Call("POST", base + "/resume", "", operator_);
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(Json(resumed).at("state").as_string(), "running");
  Response aborted = Call("POST", base + "/abort", "", operator_);
  ASSERT_EQ(aborted.status, 200) << aborted.body;
  auto body = Json(aborted);
  EXPECT_EQ(body.at("state").as_string(), "aborted");
  EXPECT_EQ(body.at("counts").at("cancelled").as_int64(), 2);
  EXPECT_EQ(body.at("counts").at("skipped").as_int64(), 2);
  EXPECT_EQ(Call("POST", base + "/resume", "", operator_).status, 422);

  Response audit = Admin("GET", "/api/v1/audit?action=campaign.");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("campaign.abort"), std::string::npos);
  EXPECT_NE(audit.body.find("campaign.create"), std::string::npos);
}

TEST_F(CampaignHandlersTest, BadBodiesAndUnknownIdsAreRefused) {
  Response bad = Call("POST", "/api/v1/campaigns",
                      R"({"name":"x","selector":{"filter":"colour = 1"},"operation":{"kind":"reboot"}})",
                      operator_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  Response unknown_member =
      Call("POST", "/api/v1/campaigns",
           R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"},"colour":1})",
           operator_);
  EXPECT_EQ(unknown_member.status, 400) << unknown_member.body;
  EXPECT_EQ(Call("POST", "/api/v1/campaigns",
                 R"({"name":"x","selector":{"group":1},"operation":{"kind":"reboot"}})", viewer_)
                .status,
            403);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/99", "", viewer_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/campaigns/99/abort", "", operator_).status, 404);
}

TEST_F(CampaignHandlersTest, WithoutCampaignsTheRoutesAnswer503) {
  api_ = std::make_unique<RestApi>(services());
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", viewer_).status, 503);
}

}  // namespace
}  // namespace custos::api
