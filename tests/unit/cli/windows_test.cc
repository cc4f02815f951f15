// custos windows and custos operations bulk against a fake server: the requests they make
// from their options, and usage errors that make none.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_transport.h"

namespace custos::cli::testing {
namespace {

namespace json = boost::json;

constexpr const char* kWindow = R"({"id": 3, "name": "nights", "cron": "0 2 * * 1-5",
  "duration_s": 7200, "time_zone": "Europe/Berlin", "open_now": false,
  "next_opening": "2026-11-30T01:00:00.000Z", "groups": [], "version": 1})";

TEST(WindowsCli, CreateSendsTheWindowFromItsOptions) {
  FakeTransport t([](const HttpRequest&) { return Outcome<HttpResponse>(Json(201, kWindow)); });
  auto r = RunCli({"windows", "create", "--name", "nights", "--cron", "0 2 * * 1-5", "--duration",
                   "7200", "--time-zone", "Europe/Berlin"},
                  t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].method, "POST");
  EXPECT_EQ(t.requests[0].target, "/api/v1/maintenance-windows");
  EXPECT_EQ(json::parse(t.requests[0].body),
            json::parse(R"({"name": "nights", "cron": "0 2 * * 1-5", "duration_s": 7200,
                            "time_zone": "Europe/Berlin"})"));
  EXPECT_NE(r.out.find("nights"), std::string::npos) << r.out;
}

TEST(WindowsCli, AttachAndDetachUseTheGroupsWindowPath) {
  FakeTransport t([](const HttpRequest&) { return Outcome<HttpResponse>(Json(204, "")); });
  auto attach = RunCli({"windows", "attach", "3", "7"}, t);
  ASSERT_EQ(attach.exit_code, 0) << attach.err;
  auto detach = RunCli({"windows", "detach", "3", "7"}, t);
  ASSERT_EQ(detach.exit_code, 0) << detach.err;
  ASSERT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.requests[0].method, "PUT");
  EXPECT_EQ(t.requests[0].target, "/api/v1/groups/7/maintenance-windows/3");
  EXPECT_EQ(t.requests[1].method, "DELETE");
  EXPECT_EQ(t.requests[1].target, "/api/v1/groups/7/maintenance-windows/3");
}

TEST(WindowsCli, CreateNeedsCronAndDuration) {
  FakeTransport t([](const HttpRequest&) { return Outcome<HttpResponse>(Json(500, "{}")); });
  auto r = RunCli({"windows", "create", "--name", "nights"}, t);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(t.requests.empty());
}

TEST(OperationsBulkCli, SendsTheSelectorAndTheOperation) {
  FakeTransport t([](const HttpRequest&) {
    return Outcome<HttpResponse>(
        Json(200, R"({"selected": 3, "created": 2, "skipped": {"retired": 1}, "dry_run": true})"));
  });
  auto r = RunCli({"operations", "bulk", "--filter", "model = \"P\"", "--kind", "configure",
                   "--param", "interval_s=60", "--window", "3", "--dry-run"},
                  t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].target, "/api/v1/operations/bulk");
  EXPECT_EQ(json::parse(t.requests[0].body), json::parse(R"({
      "selector": {"filter": "model = \"P\""}, "dry_run": true,
      "operation": {"kind": "configure", "parameters": {"interval_s": 60}, "window_ids": [3]}})"));
  EXPECT_NE(r.out.find("created"), std::string::npos) << r.out;
}

TEST(OperationsBulkCli, NeedsExactlyOneSelector) {
  FakeTransport t([](const HttpRequest&) { return Outcome<HttpResponse>(Json(500, "{}")); });
  EXPECT_EQ(RunCli({"operations", "bulk", "--kind", "reboot"}, t).exit_code, 2);
  EXPECT_EQ(RunCli({"operations", "bulk", "--kind", "reboot", "--group", "1", "--filter", "id = 1"},
                   t)
                .exit_code,
            2);
  EXPECT_TRUE(t.requests.empty());
}

}  // namespace
}  // namespace custos::cli::testing
