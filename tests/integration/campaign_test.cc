// Staged campaigns end to end: the real server, a few hundred of the project's LwM2M clients
// in this process (each with its own socket) as the fleet, reboot as the operation (Execute
// /3/0/4), and a share of the clients that answer it with an error. A campaign whose failure
// rate is above its threshold aborts and creates no more operations; a campaign killed with
// kill -9 in the middle resumes after the restart, no device gets a second operation and the
// counts add up.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class CampaignTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(extra));
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Starts and registers `n` clients named PREFIX-NNN; those whose index % 10 is below
  // `failing_per_ten` answer Reboot with an error.
  void StartFleet(const std::string& prefix, int n, int failing_per_ten) {
    for (int i = 0; i < n; ++i) {
      lwm2m::client::ClientOptions options;
      options.endpoint_name = fmt::format("{}-{:03}", prefix, i);
      options.battery_step = std::chrono::milliseconds(0);
      options.lifetime_s = 3600;
      auto client = lwm2m::client::Client::Start(options, server_->coap_url());
      ASSERT_TRUE(client) << client.error().message;
      if (i % 10 < failing_per_ten) {
        (*client)->SetAction(lwm2m::Path::Resource(3, 0, 4), [](std::string_view) -> core::Result<void> {
          return core::MakeError(core::ErrorCode::kInternal, "not now");
        });
      }
      // As a device does, it tries again when a Register goes unanswered (LwM2M 1.1
      // §6.2.1.1, the communication retry): a few hundred clients at once in one process.
      auto registered = (*client)->Register();
      for (int retry = 0; retry < 2 && !registered &&
                          registered.error().code == core::ErrorCode::kTimeout;
           ++retry) {
        registered = (*client)->Register();
      }
      ASSERT_TRUE(registered) << options.endpoint_name << ": " << registered.error().message;
      clients_.push_back(std::move(*client));
    }
  }

  json::value Campaign(std::int64_t id) {
    auto got = admin_->Get("/api/v1/campaigns/" + std::to_string(id));
    EXPECT_EQ(got.status, 200) << got.body;
    return got.status == 200 ? got.Json() : json::value(json::object());
  }
  static std::int64_t CountOf(const json::value& campaign, const char* outcome) {
    const json::object& counts = campaign.at("counts").as_object();
    auto it = counts.find(outcome);
    return it == counts.end() ? 0 : it->value().as_int64();
  }
  // Every operation of the campaign, by device.
  std::map<std::int64_t, int> OperationsByDevice(std::int64_t id) {
    std::map<std::int64_t, int> out;
    std::string cursor;
    while (true) {
      auto page = admin_->Get("/api/v1/operations?limit=1000&campaign=" + std::to_string(id) +
                              (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.body;
      if (page.status != 200) return out;
      for (const auto& op : page.Json().at("operations").as_array()) {
        ++out[op.at("device_id").as_int64()];
      }
      const json::value& next = page.Json().at("next_cursor");
      if (next.is_null()) return out;
      cursor = std::string(next.as_string());
    }
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::vector<std::unique_ptr<lwm2m::client::Client>> clients_;
};

TEST_F(CampaignTest, AFailureRateAboveTheThresholdAbortsAndStopsCreatingWork) {
  Start();
  ASSERT_NO_FATAL_FAILURE(StartFleet("abort", 300, 3));
  auto created = admin_->Post("/api/v1/campaigns", R"({
      "name": "reboot-all", "selector": {"filter": "name ~ \"abort-*\""},
      "operation": {"kind": "reboot", "timeout_s": 120},
      "rollout": {"batch_size": 40},
      "thresholds": {"batch_failure_rate": 0.2, "action": "abort"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.Json().at("id").as_int64();
  EXPECT_EQ(created.Json().at("total").as_int64(), 300);
  json::value campaign;
  ASSERT_TRUE(WaitUntil([&] {
    campaign = Campaign(id);
    return campaign.at("state") == "aborted";
  }, std::chrono::seconds(60))) << json::serialize(campaign);
  // Three in ten fail: the first batch of 40 trips at its ninth failure.
  EXPECT_EQ(campaign.at("batches_started").as_int64(), 1);
  EXPECT_GE(CountOf(campaign, "failed"), 9);
  EXPECT_EQ(CountOf(campaign, "skipped"), 260);
  // Everything the abort cancelled or that ended is final; nothing was created beyond the batch.
  ASSERT_TRUE(WaitUntil([&] {
    campaign = Campaign(id);
    std::int64_t final = 0;
    for (const char* s : {"succeeded", "failed", "cancelled", "timed_out", "rejected", "skipped"}) {
      final += CountOf(campaign, s);
    }
    return final == 300;
  })) << json::serialize(campaign);
  auto operations = OperationsByDevice(id);
  EXPECT_EQ(operations.size(), 40u);
  for (const auto& [device, n] : operations) EXPECT_EQ(n, 1) << "device " << device;
  bool tripped = false;
  for (const auto& e : campaign.at("timeline").as_array()) {
    if (e.at("kind") == "threshold") {
      tripped = true;
      EXPECT_EQ(e.at("details").at("threshold").as_string(), "batch_failure_rate");
    }
  }
  EXPECT_TRUE(tripped) << json::serialize(campaign);
}

TEST_F(CampaignTest, AKilledCampaignResumesWithoutASecondOperationAndCountsAddUp) {
  Start();
  ASSERT_NO_FATAL_FAILURE(StartFleet("resume", 200, 1));
  auto created = admin_->Post("/api/v1/campaigns", R"({
      "name": "reboot-slowly", "selector": {"filter": "name ~ \"resume-*\""},
      "operation": {"kind": "reboot", "timeout_s": 120},
      "rollout": {"batch_size": 20, "rate_per_minute": 1200}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.Json().at("id").as_int64();
  // Kill it once some devices are done and most are not started.
  ASSERT_TRUE(WaitUntil([&] { return CountOf(Campaign(id), "succeeded") >= 30; },
                        std::chrono::seconds(60)));
  const std::string coap = server_->coap_url();
  const std::string port = coap.substr(coap.rfind(':') + 1);
  server_->Kill();
  Start({"--coap-listen", "127.0.0.1:" + port});
  ASSERT_EQ(server_->coap_url(), coap);
  json::value campaign = Campaign(id);
  EXPECT_EQ(campaign.at("state").as_string(), "running") << json::serialize(campaign);
  // Operations sent when the server died go out again at the device's next contact.
  for (auto& client : clients_) (void)client->Update();
  ASSERT_TRUE(WaitUntil([&] {
    campaign = Campaign(id);
    return campaign.at("state") == "completed";
  }, std::chrono::seconds(120))) << json::serialize(campaign);
  EXPECT_EQ(campaign.at("total").as_int64(), 200);
  EXPECT_EQ(CountOf(campaign, "succeeded") + CountOf(campaign, "failed"), 200)
      << json::serialize(campaign);
  EXPECT_EQ(CountOf(campaign, "failed"), 20);
  auto operations = OperationsByDevice(id);
  EXPECT_EQ(operations.size(), 200u);
  for (const auto& [device, n] : operations) EXPECT_EQ(n, 1) << "device " << device;
}

}  // namespace
}  // namespace custos::testing
