// The simulated MQTT fleet against the real `custos serve`: devices provisioned through the
// REST API connect, come online, and carry out operations the server sends them (reboot,
// firmware updates downloaded over HTTP, a share of them failing).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <thread>

#include "http_client.h"
#include "mqtt_fleet.h"
#include "mqtt_provision.h"
#include "server_process.h"
#include "source_address.h"

namespace custos::sim {
namespace {

namespace json = boost::json;
using custos::testing::HttpClient;
using custos::testing::kAdminToken;
using custos::testing::ServerProcess;
using custos::testing::TempDir;
using custos::testing::WaitUntil;

constexpr auto kDeadline = std::chrono::seconds(60);

class MqttFleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Retries a second apart, so that an operation sent before the device subscribed goes
    // again soon.
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"--coap-listen", "off", "--coaps-listen", "off",
                                              "--operations-retry-initial-s", "1",
                                              "--operations-max-attempts", "30"});
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->mqtt_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  void TearDown() override {
    if (fleet_) fleet_->Stop();
    if (runner_.joinable()) runner_.join();
  }

  // Provisions `count` devices through the REST API and runs them in the background.
  void StartFleet(std::size_t count, MqttFleetOptions options) {
    auto devices =
        ProvisionDevices(ProvisionRequest{server_->url(), kAdminToken, "sim-mqtt-", 0, count});
    ASSERT_TRUE(devices) << devices.error().message;
    ASSERT_EQ(devices->size(), count);
    const std::string mqtt = server_->mqtt_url().substr(std::string("mqtt://").size());
    options.server = *mqtt_bench::ParseHostPort(mqtt);
    options.source_base = *mqtt_bench::ParseIpv4("127.0.2.1");
    options.per_address = 10;
    options.http_token = kAdminToken;
    auto fleet = MqttFleet::Create(options, std::move(*devices));
    ASSERT_TRUE(fleet) << fleet.error().message;
    fleet_ = std::move(*fleet);
    runner_ = std::thread([this] { fleet_->Run(std::chrono::milliseconds(0)); });
  }

  std::int64_t OnlineCount() {
    auto r = admin_->Get("/api/v1/devices?filter=online%20%3D%20true&count=true&limit=1");
    return r.status == 200 ? r.Json().at("total").to_number<std::int64_t>() : -1;
  }

  json::object Device(const std::string& name) {
    auto r = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + name + "%22");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200 || r.Json().at("devices").as_array().empty()) return {};
    return r.Json().at("devices").as_array().front().as_object();
  }

  std::int64_t CreateOperation(const std::string& name, const json::object& body) {
    const std::int64_t id = Device(name).at("id").to_number<std::int64_t>();
    auto r = admin_->Post("/api/v1/devices/" + std::to_string(id) + "/operations",
                          json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json().at("id").to_number<std::int64_t>() : 0;
  }

  std::string OperationState(std::int64_t id) {
    auto r = admin_->Get("/api/v1/operations/" + std::to_string(id));
    return r.status == 200 ? std::string(r.Json().at("state").as_string()) : "";
  }

  bool WaitForState(std::int64_t id, const std::string& state) {
    return WaitUntil([&] { return OperationState(id) == state; }, kDeadline);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<MqttFleet> fleet_;
  std::thread runner_;
};

TEST_F(MqttFleetTest, HundredDevicesComeOnlineAndOneReboots) {
  MqttFleetOptions options;
  options.versions = MqttVersionMix::kMixed;
  options.telemetry_every_s = 1;
  options.reboot_s = 0.2;
  ASSERT_NO_FATAL_FAILURE(StartFleet(100, options));

  EXPECT_TRUE(WaitUntil([&] { return OnlineCount() == 100; }, kDeadline))
      << OnlineCount() << " online; " << fleet_->Report().first_error;
  EXPECT_TRUE(WaitUntil([&] { return fleet_->Report().online == 100; }, kDeadline));
  const json::object device = Device("sim-mqtt-000007");
  ASSERT_FALSE(device.empty());
  EXPECT_EQ(device.at("firmware_version"), "1.0.0");  // from the identity message
  EXPECT_EQ(device.at("health").at("battery_level"), 90);

  const std::int64_t op = CreateOperation("sim-mqtt-000007", {{"kind", "reboot"}});
  EXPECT_TRUE(WaitForState(op, "succeeded")) << OperationState(op);
  // The device went away after its result and came back.
  EXPECT_TRUE(WaitUntil([&] { return fleet_->Report().connects >= 101; }, kDeadline));
  EXPECT_TRUE(WaitUntil([&] { return OnlineCount() == 100; }, kDeadline));
  const MqttReport report = fleet_->Report();
  EXPECT_EQ(report.operations_received, 1u);
  EXPECT_EQ(report.operations_succeeded, 1u);
  EXPECT_EQ(report.disconnects, 1u);
  EXPECT_EQ(report.connect_errors, 0u) << report.first_error;
  EXPECT_EQ(report.refused, 0u) << report.first_error;
  EXPECT_GT(report.published, 200u);  // identity and health of each, then telemetry
}

TEST_F(MqttFleetTest, FirmwareUpdateInstallsTheNewVersionAndTheFailShareFails) {
  const std::string image(200'000, 'x');
  auto uploaded = admin_->Request("POST", "/api/v1/firmware?version=2.0.0&name=sim", image,
                                  {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const json::object& fw = uploaded.Json().as_object();

  MqttFleetOptions options;
  options.versions = MqttVersionMix::kMixed;
  options.telemetry_every_s = 0;
  options.reboot_s = 0.2;
  options.shares.fail_update = 0.5;
  ASSERT_NO_FATAL_FAILURE(StartFleet(6, options));
  ASSERT_TRUE(WaitUntil([&] { return OnlineCount() == 6; }, kDeadline))
      << fleet_->Report().first_error;

  // One device of each kind, by the fleet's own rule.
  std::string good, bad;
  for (std::size_t i = 0; i < 6; ++i) {
    (InShare(i, 0.5, 0) ? bad : good) = SimDeviceName("sim-mqtt-", i);
  }
  ASSERT_FALSE(good.empty());
  ASSERT_FALSE(bad.empty());
  json::object parameters{{"firmware_id", fw.at("id")},
                          {"url", fw.at("urls").at("http")},
                          {"size", fw.at("size")},
                          {"sha256", fw.at("sha256")},
                          {"version", "2.0.0"}};
  const std::int64_t ok =
      CreateOperation(good, {{"kind", "firmware_update"}, {"parameters", parameters}});
  const std::int64_t failing =
      CreateOperation(bad, {{"kind", "firmware_update"}, {"parameters", parameters}});

  EXPECT_TRUE(WaitForState(ok, "succeeded"))
      << OperationState(ok) << " " << fleet_->Report().first_error;
  EXPECT_TRUE(WaitUntil([&] { return Device(good).at("firmware_version") == "2.0.0"; }, kDeadline));
  EXPECT_TRUE(WaitForState(failing, "failed")) << OperationState(failing);
  EXPECT_EQ(Device(bad).at("firmware_version"), "1.0.0");
  const MqttReport report = fleet_->Report();
  EXPECT_EQ(report.firmware_downloads, 2u);
  EXPECT_EQ(report.firmware_bytes, 2u * image.size());
  EXPECT_EQ(report.operations_succeeded, 1u);
  EXPECT_EQ(report.operations_failed, 1u);
}

TEST_F(MqttFleetTest, ImageThatDoesNotMatchItsDigestFailsTheUpdate) {
  const std::string image(1000, 'y');
  auto uploaded = admin_->Request("POST", "/api/v1/firmware?version=3.0.0", image,
                                  {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const json::object& fw = uploaded.Json().as_object();
  MqttFleetOptions options;
  options.telemetry_every_s = 0;
  ASSERT_NO_FATAL_FAILURE(StartFleet(1, options));
  ASSERT_TRUE(WaitUntil([&] { return OnlineCount() == 1; }, kDeadline));

  json::object parameters{
      {"url", fw.at("urls").at("http")}, {"size", fw.at("size")}, {"sha256", std::string(64, '0')}};
  const std::int64_t op = CreateOperation(
      SimDeviceName("sim-mqtt-", 0), {{"kind", "firmware_update"}, {"parameters", parameters}});
  EXPECT_TRUE(WaitForState(op, "failed")) << OperationState(op);
  auto got = admin_->Get("/api/v1/operations/" + std::to_string(op));
  EXPECT_NE(got.body.find("does not match"), std::string::npos) << got.body;
  EXPECT_EQ(Device(SimDeviceName("sim-mqtt-", 0)).at("firmware_version"), "1.0.0");
}

TEST_F(MqttFleetTest, DesiredStateIsReportedBackAsAppliedOverADelayedLink) {
  MqttFleetOptions options;
  options.telemetry_every_s = 0;
  options.delay_s = 0.05;  // every packet of the device's, CONNECT included, goes out late
  ASSERT_NO_FATAL_FAILURE(StartFleet(1, options));
  ASSERT_TRUE(WaitUntil([&] { return OnlineCount() == 1; }, kDeadline));
  const std::string id =
      std::to_string(Device(SimDeviceName("sim-mqtt-", 0)).at("id").to_number<std::int64_t>());
  auto patched = admin_->Patch("/api/v1/devices/" + id + "/state/desired", R"({"interval":10})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto state = admin_->Get("/api/v1/devices/" + id + "/state");
        return state.status == 200 && state.Json().at("delta").as_object().empty() &&
               state.Json().at("reported").at("interval") == 10;
      },
      kDeadline));
  EXPECT_EQ(fleet_->Report().desired_applied, 1u);
}

TEST_F(MqttFleetTest, LowBatteryDeviceHoldsItsUpdateAndOfflineShareComesBack) {
  MqttFleetOptions options;
  options.telemetry_every_s = 0;
  options.shares.low_battery = 1;
  options.shares.offline = 1;
  options.offline_every_s = 0.5;
  options.offline_for_s = 0.2;
  ASSERT_NO_FATAL_FAILURE(StartFleet(2, options));
  const std::string name = SimDeviceName("sim-mqtt-", 0);
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json::object device = Device(name);
        return !device.empty() && device.at("health").at("battery_level") == 10;
      },
      kDeadline));
  // Devices of the offline share drop their connection and connect again, more than once.
  EXPECT_TRUE(WaitUntil([&] { return fleet_->Report().disconnects >= 4; }, kDeadline));
  EXPECT_TRUE(WaitUntil([&] { return fleet_->Report().connects >= 6; }, kDeadline));
  EXPECT_EQ(fleet_->Report().connect_errors, 0u) << fleet_->Report().first_error;

  const std::int64_t op =
      CreateOperation(name, {{"kind", "firmware_update"},
                             {"parameters", {{"url", "http://127.0.0.1:1/never"}, {"size", 1}}}});
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto r = admin_->Get("/api/v1/operations/" + std::to_string(op));
        return r.status == 200 && r.Json().at("state") == "waiting" &&
               r.Json().at("waiting_for") == "battery";
      },
      kDeadline));
  EXPECT_EQ(fleet_->Report().operations_received, 0u);
}

TEST(MqttFleetLimitTest, RefusesMoreDevicesThanOneProcessCanHoldOpen) {
  std::vector<mqtt_bench::Device> devices(MaxDevicesPerProcess() + 1, {"d", "s"});
  auto fleet = MqttFleet::Create(MqttFleetOptions{}, std::move(devices));
  ASSERT_FALSE(fleet);
  EXPECT_NE(fleet.error().message.find("several custos-sim processes"), std::string::npos);
}

}  // namespace
}  // namespace custos::sim
