// A simulated fleet against the real `custos serve` (plain CoAP, auto-provisioning): the
// devices register and show in the REST API with their LwM2M state, answer a REST Read of
// /3/0, and take a firmware image through Write /5/0/1 and Execute /5/0/2 to a new version.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <iostream>
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

constexpr std::uint32_t kDevices = 200;

class FleetServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), testing::kAdminToken);
    const std::string& url = server_->coap_url();
    const auto port = static_cast<std::uint16_t>(std::stoul(url.substr(url.rfind(':') + 1)));
    config_.server = Address{0x7f000001, port};
    config_.devices = kDevices;
    config_.prefix = "simtest-";
    config_.ramp_per_s = 100;
    config_.lifetime_s = 300;
    config_.step_s = 5;
    config_.reboot_ms = 200;
  }
  void TearDown() override {
    stop_.store(true);
    if (runner_.joinable()) runner_.join();
  }
  void StartFleet() {
    runner_ = std::thread([this] {
      RunOptions options;
      options.report_every_s = 0;
      auto result = RunLwm2m(config_, options, stop_);
      EXPECT_TRUE(result.has_value());
      if (result) final_ = result->stats;
    });
  }
  // The simulated devices the REST API lists, by name.
  std::map<std::string, json::object> ListedDevices() {
    std::map<std::string, json::object> found;
    auto list = admin_->Get("/api/v1/devices?limit=1000");
    if (list.status != 200) return found;
    for (const auto& item : list.Json().at("devices").as_array()) {
      const auto& device = item.as_object();
      const std::string name(device.at("name").as_string());
      if (name.starts_with("simtest-")) found[name] = device;
    }
    return found;
  }
  // Those of them online.
  std::map<std::string, json::object> OnlineDevices() {
    auto found = ListedDevices();
    std::erase_if(found, [](const auto& entry) {
      return !entry.second.at("connectivity").at("online").as_bool();
    });
    return found;
  }
  // Those of them with the Object 3 values the server read after their Register.
  std::size_t DescribedDevices() {
    std::size_t n = 0;
    for (const auto& [name, device] : ListedDevices()) {
      if (device.at("protocol") == "lwm2m" && device.at("manufacturer") == "Custos Sim" &&
          device.at("firmware_version") == "1.0.0") {
        ++n;
      }
    }
    return n;
  }
  std::string IdOf(const std::string& name) {
    auto devices = OnlineDevices();
    if (!devices.contains(name)) return "";
    return std::to_string(devices[name].at("id").as_int64());
  }
  // The value of a single resource read through REST, or null.
  json::value ReadValue(const std::string& id, const std::string& path) {
    auto read = admin_->Get("/api/v1/devices/" + id + "/lwm2m" + path);
    if (read.status != 200 || !read.Json().is_object()) return nullptr;
    const auto* value = read.Json().as_object().if_contains("value");
    return value != nullptr ? *value : json::value(nullptr);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  Lwm2mConfig config_;
  std::atomic<bool> stop_{false};
  std::thread runner_;
  Lwm2mStats final_;
};

TEST_F(FleetServerTest, DevicesRegisterAndAnswerReadsAndTakeAFirmwareUpdate) {
  StartFleet();
  // Every device registered: auto-provisioned, with the model, firmware version and so on
  // that the server read from its Object 3.
  ASSERT_TRUE(WaitUntil([&] { return DescribedDevices() == kDevices; }, std::chrono::seconds(90)))
      << DescribedDevices() << " described\n"
      << server_->Output();
  // And every one online with its registration.
  ASSERT_TRUE(WaitUntil([&] { return OnlineDevices().size() == kDevices; },
                        std::chrono::seconds(30)))
      << OnlineDevices().size() << " of " << kDevices << " devices listed online";
  auto devices = OnlineDevices();
  const json::object& device = devices.begin()->second;
  EXPECT_EQ(device.at("protocol").as_string(), "lwm2m");
  EXPECT_EQ(device.at("connectivity").at("lifetime").as_int64(), 300);
  EXPECT_EQ(device.at("connectivity").at("transport").as_string(), "udp");
  const std::string id = std::to_string(device.at("id").as_int64());

  // A REST Read of /3/0: plausible values.
  auto read = admin_->Get("/api/v1/devices/" + id + "/lwm2m/3/0");
  ASSERT_EQ(read.status, 200) << read.body;
  std::map<std::int64_t, json::value> resources;
  for (const auto& r : read.Json().at("resources").as_array()) {
    if (r.as_object().contains("value")) resources[r.at("id").as_int64()] = r.at("value");
  }
  EXPECT_EQ(resources[0], json::value("Custos Sim")) << read.body;
  EXPECT_EQ(resources[3], json::value("1.0.0")) << read.body;
  ASSERT_TRUE(resources[9].is_int64()) << read.body;
  EXPECT_GE(resources[9].as_int64(), 1);
  EXPECT_LE(resources[9].as_int64(), 100);

  // A firmware image, then Write /5/0/1 with its CoAP URL and Execute /5/0/2.
  std::string image = "custos-firmware 2.5.0\n" + std::string(5000, 'f');
  auto uploaded = admin_->Request("POST", "/api/v1/firmware?version=2.5.0", image,
                                  {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string uri(uploaded.Json().at("urls").at("coap").as_string());
  auto written =
      admin_->Request("PUT", "/api/v1/devices/" + id + "/lwm2m/5/0/1",
                      json::serialize(json::value(uri)), {{"Content-Type", "application/json"}});
  ASSERT_EQ(written.status, 200) << written.body;
  ASSERT_TRUE(WaitUntil([&] { return ReadValue(id, "/5/0/3") == json::value(2); },
                        std::chrono::seconds(30)))
      << ReadValue(id, "/5/0/3") << " " << ReadValue(id, "/5/0/5");
  auto executed = admin_->Request("POST", "/api/v1/devices/" + id + "/lwm2m/5/0/2", "",
                                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(executed.status, 200) << executed.body;
  ASSERT_TRUE(WaitUntil([&] { return ReadValue(id, "/3/0/3") == json::value("2.5.0"); },
                        std::chrono::seconds(30)));
  EXPECT_EQ(ReadValue(id, "/5/0/5"), json::value(1));
  EXPECT_EQ(ReadValue(id, "/5/0/3"), json::value(0));

  stop_.store(true);
  runner_.join();
  EXPECT_GE(final_.registrations, kDevices + 1);  // one more after the update's reboot
  EXPECT_EQ(final_.firmware_updates, 1u);
  EXPECT_EQ(final_.downloads_done, 1u);
  EXPECT_GE(final_.reads, 1u);
}

}  // namespace
}  // namespace custos::sim
