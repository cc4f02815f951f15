// DTLS PSK devices against the real `custos serve`: devices created with a PSK credential
// (identity = endpoint name) complete their handshakes on the coaps listener, register,
// show online and answer a REST Read of /3/0 through their sessions.
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

constexpr std::uint32_t kDevices = 20;

std::uint16_t PortOf(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoul(url.substr(url.rfind(':') + 1)));
}

TEST(FleetDtlsServerTest, PskDevicesRegisterOverDtlsAndAnswerReads) {
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_FALSE(server.url().empty());
  ASSERT_FALSE(server.coaps_url().empty()) << server.Output();
  HttpClient admin(server.host(), server.port(), testing::kAdminToken);

  Lwm2mConfig config;
  config.server = Address{0x7f000001, PortOf(server.coap_url())};
  config.secure_server = Address{0x7f000001, PortOf(server.coaps_url())};
  config.devices = kDevices;
  config.prefix = "simdtls-";
  config.dtls_share = 1;
  config.psk_key = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
  std::map<std::string, std::string> ids;
  for (std::uint32_t i = 0; i < kDevices; ++i) {
    const std::string name = "simdtls-" + std::to_string(i);
    auto created = admin.Post("/api/v1/devices",
                              json::serialize(json::object{{"name", name}, {"protocol", "lwm2m"}}));
    ASSERT_EQ(created.status, 201) << created.body;
    ids[name] = std::to_string(created.Json().at("id").as_int64());
    auto credential = admin.Post(
        "/api/v1/devices/" + ids[name] + "/credentials",
        json::serialize(json::object{
            {"kind", "psk"}, {"identity", name}, {"secret", "101112131415161718191a1b1c1d1e1f"}}));
    ASSERT_EQ(credential.status, 201) << credential.body;
  }

  std::atomic<bool> stop{false};
  Lwm2mStats final_stats;
  std::thread runner([&] {
    RunOptions options;
    options.report_every_s = 0;
    auto result = RunLwm2m(config, options, stop);
    EXPECT_TRUE(result.has_value());
    if (result) final_stats = result->stats;
  });
  std::size_t online = 0;
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto list = admin.Get("/api/v1/devices?limit=1000");
        if (list.status != 200) return false;
        online = 0;
        for (const auto& item : list.Json().at("devices").as_array()) {
          if (std::string(item.at("name").as_string()).starts_with("simdtls-") &&
              item.at("connectivity").at("online").as_bool()) {
            ++online;
          }
        }
        return online == kDevices;
      },
      std::chrono::seconds(60)))
      << online << " online\n"
      << server.Output();
  auto read = admin.Get("/api/v1/devices/" + ids["simdtls-3"] + "/lwm2m/3/0/0");
  EXPECT_EQ(read.status, 200) << read.body;
  if (read.status == 200) EXPECT_EQ(read.Json().at("value"), json::value("Custos Sim"));
  stop.store(true);
  runner.join();
  EXPECT_EQ(final_stats.handshakes, kDevices);
  EXPECT_EQ(final_stats.handshake_failures, 0u);
  EXPECT_EQ(final_stats.registrations, kDevices);
}

}  // namespace
}  // namespace custos::sim
