// The server's firmware_update operation (docs/remote-operations.md, "LwM2M firmware
// update") over a few simulated devices against the real `custos serve`: pulled from the
// Package URI and pushed to /5/0/0, each operation succeeds and the device runs the image's
// version.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "http_client.h"
#include "server_process.h"
#include "sim.h"

namespace custos::sim {
namespace {

using testing::HttpClient;
using testing::ServerProcess;
using testing::TempDir;
using testing::WaitUntil;
namespace json = boost::json;

TEST(FleetOperationServerTest, FirmwareUpdateOperationsSucceedOverSimulatedDevices) {
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_FALSE(server.url().empty());
  ASSERT_FALSE(server.coap_url().empty()) << server.Output();
  HttpClient admin(server.host(), server.port(), testing::kAdminToken);
  const std::string& url = server.coap_url();

  Lwm2mConfig config;
  config.server =
      Address{0x7f000001, static_cast<std::uint16_t>(std::stoul(url.substr(url.rfind(':') + 1)))};
  config.devices = 4;
  config.prefix = "simop-";
  config.lifetime_s = 300;
  config.reboot_ms = 200;
  std::atomic<bool> stop{false};
  Lwm2mStats final_stats;
  std::thread runner([&] {
    RunOptions options;
    options.report_every_s = 0;
    auto result = RunLwm2m(config, options, stop);
    EXPECT_TRUE(result.has_value());
    if (result) final_stats = result->stats;
  });

  std::map<std::string, std::string> ids;  // name -> device id
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto list = admin.Get("/api/v1/devices?limit=1000");
        if (list.status != 200) return false;
        for (const auto& item : list.Json().at("devices").as_array()) {
          const std::string name(item.at("name").as_string());
          if (name.starts_with("simop-") && item.at("connectivity").at("online").as_bool()) {
            ids[name] = std::to_string(item.at("id").as_int64());
          }
        }
        return ids.size() == 4;
      },
      std::chrono::seconds(60)));

  std::string image = "custos-firmware 4.2.0\n" + std::string(3000, 'z');
  auto uploaded = admin.Request("POST", "/api/v1/firmware?version=4.2.0", image,
                                {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::int64_t firmware_id = uploaded.Json().at("id").as_int64();

  std::vector<std::string> operations;
  int n = 0;
  for (const auto& [name, id] : ids) {
    json::object parameters{{"firmware_id", firmware_id}};
    if (n++ == 0) parameters["method"] = "push";
    const json::object body{
        {"kind", "firmware_update"}, {"parameters", parameters}, {"battery_threshold", 0}};
    auto created = admin.Post("/api/v1/devices/" + id + "/operations", json::serialize(body));
    ASSERT_EQ(created.status, 201) << created.body;
    operations.push_back(std::to_string(created.Json().at("id").as_int64()));
  }
  for (const std::string& operation : operations) {
    std::string state;
    std::string body;
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto got = admin.Get("/api/v1/operations/" + operation);
          body = got.body;
          if (got.status != 200) return false;
          state = std::string(got.Json().at("state").as_string());
          return state == "succeeded" || state == "failed" || state == "rejected";
        },
        std::chrono::seconds(60)))
        << body;
    EXPECT_EQ(state, "succeeded") << body;
  }
  for (const auto& [name, id] : ids) {
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto read = admin.Get("/api/v1/devices/" + id + "/lwm2m/3/0/3");
          return read.status == 200 && read.Json().is_object() &&
                 read.Json().as_object().if_contains("value") != nullptr &&
                 read.Json().at("value") == json::value("4.2.0");
        },
        std::chrono::seconds(30)))
        << name;
  }
  stop.store(true);
  runner.join();
  EXPECT_EQ(final_stats.firmware_updates, 4u);
  EXPECT_EQ(final_stats.downloads_done, 4u);
}

}  // namespace
}  // namespace custos::sim
