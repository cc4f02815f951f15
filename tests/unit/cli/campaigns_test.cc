// custos campaigns against a fake server: the body create sends from its options, control
// verbs, and watch printing a line per change until the campaign ends.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_transport.h"

namespace custos::cli::testing {
namespace {

namespace json = boost::json;

std::string CampaignJson(const std::string& state, const std::string& counts) {
  return R"({"id": 5, "name": "boot", "state": ")" + state +
         R"(", "total": 4, "batches_started": 1, "counts": )" + counts +
         R"(, "updated_at": "2026-11-27T16:34:31.000Z", "created_at": "2026-11-27T16:34:31.000Z"})";
}

TEST(CampaignsCli, CreateSendsTheCampaignFromItsOptions) {
  FakeTransport t([](const HttpRequest&) {
    return Outcome<HttpResponse>(Json(201, CampaignJson("running", R"({"sent": 2, "queued": 2})")));
  });
  auto r = RunCli({"campaigns", "create", "--name", "boot", "--filter", "model = \"P\"", "--kind",
                   "reboot", "--batch-size", "2", "--ramp-from", "1", "--max-in-flight", "5",
                   "--rate", "60", "--batch-failure-rate", "0.2", "--on-threshold", "abort",
                   "--order-by", "labels.role != \"gateway\"", "--continuous", "--window", "3"},
                  t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].method, "POST");
  EXPECT_EQ(t.requests[0].target, "/api/v1/campaigns");
  EXPECT_EQ(json::parse(t.requests[0].body), json::parse(R"({
      "name": "boot", "selector": {"filter": "model = \"P\""}, "continuous": true,
      "operation": {"kind": "reboot"},
      "rollout": {"batch_size": 2, "max_in_flight": 5, "rate_per_minute": 60, "ramp_from": 1},
      "thresholds": {"batch_failure_rate": 0.2, "action": "abort"},
      "order_by": ["labels.role != \"gateway\""], "window_ids": [3]})"));
  EXPECT_NE(r.out.find("running"), std::string::npos) << r.out;
}

TEST(CampaignsCli, CreateNeedsOneSelector) {
  FakeTransport t([](const HttpRequest&) { return Outcome<HttpResponse>(Json(500, "{}")); });
  auto r = RunCli({"campaigns", "create", "--name", "boot", "--kind", "reboot"}, t);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(t.requests.empty());
}

TEST(CampaignsCli, ControlVerbsPostToTheCampaign) {
  FakeTransport t([](const HttpRequest&) {
    return Outcome<HttpResponse>(Json(200, CampaignJson("paused", "{}")));
  });
  for (const char* verb : {"pause", "resume", "abort"}) {
    auto r = RunCli({"campaigns", verb, "5"}, t);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(t.requests.back().method, "POST");
    EXPECT_EQ(t.requests.back().target, std::string("/api/v1/campaigns/5/") + verb);
  }
}

TEST(CampaignsCli, WatchPrintsEachChangeUntilTheCampaignEnds) {
  int calls = 0;
  FakeTransport t([&calls](const HttpRequest&) {
    ++calls;
    if (calls <= 2) {
      return Outcome<HttpResponse>(Json(200, CampaignJson("running", R"({"sent": 2, "queued": 2})")));
    }
    if (calls == 3) {
      return Outcome<HttpResponse>(
          Json(200, CampaignJson("running", R"({"succeeded": 2, "sent": 2})")));
    }
    return Outcome<HttpResponse>(Json(200, CampaignJson("completed", R"({"succeeded": 4})")));
  });
  auto r = RunCli({"campaigns", "watch", "5", "--interval", "0.1"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_NE(r.out.find("running total 4 batches 1: sent 2, queued 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("completed total 4 batches 1: succeeded 4"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace custos::cli::testing
