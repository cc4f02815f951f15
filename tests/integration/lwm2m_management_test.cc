// LwM2M device management end to end: the real server, the project's LwM2M client as the
// device, the REST API and the CLI as the operator. Read, Write, Execute, errors, the device
// model filled after registration, and observation through to the model and the event stream.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class Lwm2mManagementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Starts and registers a client called `name` (auto-provisioned over plain CoAP); returns
  // the device id.
  std::int64_t RegisterClient(const std::string& name) {
    lwm2m::client::ClientOptions options;
    options.endpoint_name = name;
    options.battery_step = std::chrono::milliseconds(0);  // the test moves the battery
    auto client = lwm2m::client::Client::Start(options, server_->coap_url());
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return 0;
    client_ = std::move(*client);
    client_->OnReboot([this] { ++reboots_; });
    auto registered = client_->Register();
    EXPECT_TRUE(registered) << (registered ? "" : registered.error().message);
    auto found = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + name + "%22");
    EXPECT_EQ(found.status, 200) << found.body;
    const auto& devices = found.Json().at("devices").as_array();
    EXPECT_EQ(devices.size(), 1u);
    return devices.empty() ? 0 : devices[0].at("id").as_int64();
  }

  std::string Lw(std::int64_t id, const std::string& path) {
    return "/api/v1/devices/" + std::to_string(id) + "/lwm2m" + path;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<lwm2m::client::Client> client_;
  std::atomic<int> reboots_{0};
};

TEST_F(Lwm2mManagementTest, ReadsTheDeviceObjectAsTypedJson) {
  auto id = RegisterClient("dm-read");
  ASSERT_GT(id, 0);
  auto read = admin_->Get(Lw(id, "/3/0"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.Json().at("path").as_string(), "/3/0");
  bool manufacturer = false;
  for (const auto& r : read.Json().at("resources").as_array()) {
    if (r.at("id").as_int64() == 0) {
      manufacturer = true;
      EXPECT_EQ(r.at("name").as_string(), "Manufacturer");
      EXPECT_EQ(r.at("value").as_string(), "Custos");
    }
  }
  EXPECT_TRUE(manufacturer) << read.body;
}

TEST_F(Lwm2mManagementTest, WritesThenReadsBack) {
  auto id = RegisterClient("dm-write");
  ASSERT_GT(id, 0);
  auto written =
      admin_->Request("PUT", Lw(id, "/1/0/1"), "120", {{"Content-Type", "application/json"}});
  ASSERT_EQ(written.status, 200) << written.body;
  auto read = admin_->Get(Lw(id, "/1/0/1"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.Json().at("value").as_int64(), 120);
}

TEST_F(Lwm2mManagementTest, ExecuteRebootReachesTheDevice) {
  auto id = RegisterClient("dm-reboot");
  ASSERT_GT(id, 0);
  auto executed = admin_->Post(Lw(id, "/3/0/4"), "");
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_TRUE(WaitUntil([&] { return reboots_.load() > 0; }));
}

TEST_F(Lwm2mManagementTest, AnUnknownPathIs404WithTheCoapCode) {
  auto id = RegisterClient("dm-404");
  ASSERT_GT(id, 0);
  auto read = admin_->Get(Lw(id, "/3/0/999"));
  ASSERT_EQ(read.status, 404) << read.body;
  EXPECT_EQ(read.Json().at("error").at("coap_code").as_string(), "4.04");
}

TEST_F(Lwm2mManagementTest, AnUnregisteredDeviceIs409) {
  auto created = admin_->Post("/api/v1/devices", R"({"name": "dm-sleeper", "protocol": "lwm2m"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto read = admin_->Get(Lw(created.Json().at("id").as_int64(), "/3/0"));
  EXPECT_EQ(read.status, 409) << read.body;
  EXPECT_EQ(read.Json().at("error").at("code").as_string(), "device_not_registered");
}

TEST_F(Lwm2mManagementTest, TheDeviceModelShowsObject3AfterRegistration) {
  auto id = RegisterClient("dm-model");
  ASSERT_GT(id, 0);
  json::value device;
  EXPECT_TRUE(WaitUntil([&] {
    auto got = admin_->Get("/api/v1/devices/" + std::to_string(id));
    if (got.status != 200) return false;
    device = got.Json();
    const auto& health = device.at("health").as_object();
    return device.at("manufacturer") == "Custos" && health.contains("battery_level") &&
           !health.at("battery_level").is_null();
  })) << json::serialize(device);
  EXPECT_EQ(device.at("model").as_string(), "custos-test-device");
  EXPECT_EQ(device.at("health").at("battery_level").as_int64(), 87);
}

TEST_F(Lwm2mManagementTest, AnObservedBatteryChangeReachesTheModelAndTheEventStream) {
  auto id = RegisterClient("dm-battery");
  ASSERT_GT(id, 0);
  // The profile's observation of /3/0/9 starts after registration; it is listed at once and
  // holds a value once the device answered it (a change before that answer would come in the
  // answer itself, not as a notification).
  ASSERT_TRUE(WaitUntil([&] {
    auto listed = admin_->Get(Lw(id, "/observations"));
    if (listed.status != 200) return false;
    for (const auto& o : listed.Json().at("observations").as_array()) {
      if (o.at("paths").as_array()[0] == "/3/0/9" && !o.at("value").is_null()) return true;
    }
    return false;
  }));
  SseStream events(server_->host(), server_->port(),
                   "/api/v1/events?type=lwm2m.notification&device=" + std::to_string(id),
                   kAdminToken);
  ASSERT_EQ(events.status(), 200);
  ASSERT_TRUE(client_->SetValue(lwm2m::Path::Resource(3, 0, 9), std::int64_t{42}));
  std::optional<SseStream::Event> event;
  for (int i = 0; i < 5 && !event; ++i) {
    auto next = events.Next();
    if (!next) break;
    auto data = json::parse(next->data);
    if (data.at("data").at("value").at("value") == 42) event = next;
  }
  ASSERT_TRUE(event);
  EXPECT_TRUE(WaitUntil([&] {
    auto got = admin_->Get("/api/v1/devices/" + std::to_string(id));
    return got.status == 200 && got.Json().at("health").at("battery_level") == 42;
  }));
}

TEST_F(Lwm2mManagementTest, TheCliReadsAndWrites) {
  auto id = RegisterClient("dm-cli");
  ASSERT_GT(id, 0);
  std::vector<std::string> env = {"CUSTOS_SERVER=" + server_->url(),
                                  std::string("CUSTOS_TOKEN=") + kAdminToken};
  auto written = RunCustos({"lwm2m", "write", "dm-cli", "/1/0/1", "90", "-o", "json"}, env);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  auto read = RunCustos({"lwm2m", "read", "dm-cli", "/1/0/1", "-o", "json"}, env);
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(json::parse(read.out).at("value").as_int64(), 90);
  auto missing = RunCustos({"lwm2m", "read", "dm-cli", "/3/0/999"}, env);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("4.04"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace custos::testing
