// Maintenance windows and bulk operations end to end: the real `custos serve`, devices made
// over REST, a bulk reboot over a group, and a window attached to the group that holds the
// operations (waiting_for "maintenance_window") until it is changed to one open now.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>

#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class WindowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"--coap-listen", "off", "--coaps-listen", "off"});
    ASSERT_FALSE(server_->url().empty());
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  std::int64_t Device(const std::string& name, const std::string& protocol = "mqtt") {
    auto created = admin_->Post("/api/v1/devices",
                                R"({"name":")" + name + R"(","protocol":")" + protocol + "\"}");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.Json().at("id").as_int64() : 0;
  }

  // The waiting_for of every reboot, "" for one that waits for nothing.
  std::vector<std::string> RebootsWaitingFor() {
    auto r = admin_->Get("/api/v1/operations?kind=reboot&limit=1000");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    for (const auto& op : r.Json().at("operations").as_array()) {
      const auto& w = op.at("waiting_for");
      out.push_back(w.is_string() ? std::string(w.as_string()) : "");
    }
    return out;
  }

  bool AllWaitFor(const std::string& guard, std::size_t count) {
    auto waiting = RebootsWaitingFor();
    return waiting.size() == count &&
           std::all_of(waiting.begin(), waiting.end(), [&](const auto& w) { return w == guard; });
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(WindowsTest, BulkRebootOverAGroupIsHeldByItsWindowUntilTheWindowIsOpen) {
  std::string members;
  for (int i = 1; i <= 5; ++i) {
    members += (members.empty() ? "" : ",") + std::to_string(Device("pump-" + std::to_string(i)));
  }
  members += "," + std::to_string(Device("cpe-1", "cwmp"));  // no deliverer carries it
  const std::int64_t retired = Device("pump-old");
  ASSERT_EQ(admin_->Post("/api/v1/devices/" + std::to_string(retired) + "/retire",
                         R"({"reason":"gone"})")
                .status,
            200);
  members += "," + std::to_string(retired);
  auto group = admin_->Post("/api/v1/groups", R"({"name":"pumps","kind":"static"})");
  ASSERT_EQ(group.status, 201) << group.body;
  const std::string gid = std::to_string(group.Json().at("id").as_int64());
  ASSERT_EQ(admin_->Post("/api/v1/groups/" + gid + "/members", R"({"devices":[)" + members + "]}")
                .status,
            204);

  // A window that is closed now: one minute a day, twelve hours from now.
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  const std::string closed_cron = "0 " + std::to_string((utc.tm_hour + 12) % 24) + " * * *";
  auto window = admin_->Post("/api/v1/maintenance-windows",
                             R"({"name":"night","cron":")" + closed_cron +
                                 R"(","duration_s":60,"time_zone":"UTC"})");
  ASSERT_EQ(window.status, 201) << window.body;
  EXPECT_FALSE(window.Json().at("open_now").as_bool());
  const std::string wid = std::to_string(window.Json().at("id").as_int64());
  auto bad = admin_->Post("/api/v1/maintenance-windows",
                          R"({"name":"bad","cron":"0 25 * * *","duration_s":60})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  ASSERT_EQ(
      admin_->Request("PUT", "/api/v1/groups/" + gid + "/maintenance-windows/" + wid).status,
      204);
  EXPECT_EQ(admin_->Delete("/api/v1/maintenance-windows/" + wid).status, 409);

  const std::string bulk_body =
      R"({"selector":{"group":)" + gid + R"(},"operation":{"kind":"reboot"})";
  auto dry = admin_->Post("/api/v1/operations/bulk", bulk_body + R"(,"dry_run":true})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.Json().at("created").as_int64(), 5);
  EXPECT_EQ(dry.Json().at("skipped").at("retired").as_int64(), 1);
  EXPECT_EQ(dry.Json().at("skipped").at("unsupported_kind").as_int64(), 1);
  EXPECT_TRUE(RebootsWaitingFor().empty());

  auto bulk = admin_->Post("/api/v1/operations/bulk", bulk_body + "}");
  ASSERT_EQ(bulk.status, 201) << bulk.body;
  EXPECT_EQ(bulk.Json().at("created").as_int64(), 5);
  EXPECT_TRUE(WaitUntil([&] { return AllWaitFor("maintenance_window", 5); }))
      << admin_->Get("/api/v1/operations").body;

  // The window changed to one open now: the operations go on to the next guard (the devices
  // have never connected, so they wait for them to come online).
  auto open = admin_->Patch("/api/v1/maintenance-windows/" + wid,
                            R"({"cron":"* * * * *","duration_s":3600})");
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_TRUE(open.Json().at("open_now").as_bool());
  EXPECT_TRUE(WaitUntil([&] { return AllWaitFor("offline", 5); }))
      << admin_->Get("/api/v1/operations").body;
}

}  // namespace
}  // namespace custos::testing
