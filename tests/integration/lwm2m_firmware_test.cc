// The LwM2M firmware update end to end: an image uploaded to the real server and a
// firmware_update operation for a device played by the project's LwM2M client, which pulls
// the image from the Package URI over CoAP block-wise (or has it pushed to /5/0/0 with
// Block1), is told to update, and registers again with the new version (or reports an Update
// Result that fails the operation). The guards hold it as they hold an MQTT device's update
// (operations_test.cc): a low battery until the device reports charge, and a reboot asked
// meanwhile until the update is over.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <mutex>
#include <vector>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class Lwm2mFirmwareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty()) << server_->Output();
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Uploads an image whose first line names `version` (the client takes its new version from
  // it), several CoAP blocks long; returns its id.
  std::int64_t Upload(const std::string& version) {
    std::string image = "custos-firmware " + version + "\n";
    image.resize(5000, 'x');
    auto r = admin_->Request("POST", "/api/v1/firmware?name=sensor&version=" + version, image,
                             {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json().at("id").as_int64() : 0;
  }

  // Starts and registers a client named `name` (options changed by `adjust`); its device id.
  std::int64_t StartClient(const std::string& name,
                           const std::function<void(lwm2m::client::ClientOptions&)>& adjust = {}) {
    lwm2m::client::ClientOptions options;
    options.endpoint_name = name;
    options.battery_step = std::chrono::milliseconds(0);
    options.firmware_dir = dir_.path() / ("client-" + name);
    std::filesystem::create_directories(options.firmware_dir);
    if (adjust) adjust(options);
    auto client = lwm2m::client::Client::Start(options, server_->coap_url());
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return 0;
    client_ = std::move(*client);
    client_->SetActivityLog([this](const std::string& line) {
      std::lock_guard lock(log_mu_);
      log_.push_back(line);
    });
    auto registered = client_->Register();
    EXPECT_TRUE(registered) << (registered ? "" : registered.error().message);
    auto found = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + name + "%22");
    EXPECT_EQ(found.status, 200) << found.body;
    if (found.status != 200) return 0;
    const auto& devices = found.Json().at("devices").as_array();
    EXPECT_EQ(devices.size(), 1u);
    return devices.empty() ? 0 : devices[0].at("id").as_int64();
  }

  std::int64_t Create(std::int64_t device, const std::string& body) {
    auto created = admin_->Post("/api/v1/devices/" + std::to_string(device) + "/operations", body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.Json().at("id").as_int64() : 0;
  }
  std::int64_t CreateUpdate(std::int64_t device, std::int64_t image,
                            const std::string& extra = "") {
    return Create(device, R"({"kind":"firmware_update","parameters":{"firmware_id":)" +
                              std::to_string(image) + extra + "}}");
  }

  json::value Operation(std::int64_t op) {
    auto r = admin_->Get("/api/v1/operations/" + std::to_string(op));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json() : json::value(json::object());
  }
  std::string StateOf(std::int64_t op) {
    last_ = Operation(op);
    const auto* state = last_.as_object().if_contains("state");
    return state != nullptr ? std::string(state->as_string()) : "";
  }
  std::string FirmwareVersionOf(std::int64_t device) {
    auto d = admin_->Get("/api/v1/devices/" + std::to_string(device));
    const auto* v =
        d.Json().is_object() ? d.Json().as_object().if_contains("firmware_version") : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
  }
  // What the client did, for failure messages.
  std::string ClientLog() {
    std::lock_guard lock(log_mu_);
    std::string out = "\nclient:";
    for (const auto& line : log_) out += "\n  " + line;
    return out + "\n";
  }
  bool Logged(const std::string& prefix) {
    std::lock_guard lock(log_mu_);
    for (const auto& line : log_) {
      if (line.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  // Before the client: its threads write the log until it is destroyed.
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::unique_ptr<lwm2m::client::Client> client_;
  json::value last_;
};

TEST_F(Lwm2mFirmwareTest, APulledUpdateSucceedsAndTheDeviceRunsTheNewVersion) {
  const auto image = Upload("2.0.0");
  ASSERT_GT(image, 0);
  const auto device = StartClient("fw-pull");
  ASSERT_GT(device, 0);
  SseStream events(server_->host(), server_->port(), "/api/v1/events?type=operation.*",
                   kAdminToken);
  ASSERT_EQ(events.status(), 200);
  const auto op = CreateUpdate(device, image);
  ASSERT_GT(op, 0);

  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "succeeded"; }, std::chrono::seconds(120)))
      << json::serialize(last_) << ClientLog() << server_->Output();
  EXPECT_EQ(last_.at("result").at("firmware_version").as_string(), "2.0.0")
      << json::serialize(last_);
  EXPECT_EQ(last_.at("attempts").as_int64(), 1) << json::serialize(last_);
  EXPECT_TRUE(Logged("download ")) << "the device fetched the Package URI";
  EXPECT_EQ(client_->registrations(), 2) << "one Register, one after the update's reboot";
  EXPECT_TRUE(WaitUntil([&] { return FirmwareVersionOf(device) == "2.0.0"; }))
      << admin_->Get("/api/v1/devices/" + std::to_string(device)).body;

  // On the way: in_progress (downloading, then updating) before succeeded.
  std::vector<std::string> seen;
  while (auto e = events.Next(std::chrono::seconds(20))) {
    auto data = json::parse(e->data).at("data");
    if (data.at("id").as_int64() != op) continue;
    seen.emplace_back(data.at("state").as_string());
    if (seen.back() == "succeeded") break;
  }
  EXPECT_NE(std::find(seen.begin(), seen.end(), "in_progress"), seen.end());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "succeeded");
}

TEST_F(Lwm2mFirmwareTest, APushedUpdateWritesThePackageAndSucceeds) {
  const auto image = Upload("2.1.0");
  ASSERT_GT(image, 0);
  const auto device = StartClient("fw-push");
  ASSERT_GT(device, 0);
  const auto op = CreateUpdate(device, image, R"(,"method":"push")");
  ASSERT_GT(op, 0);

  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "succeeded"; }, std::chrono::seconds(120)))
      << json::serialize(last_) << ClientLog() << server_->Output();
  EXPECT_EQ(last_.at("result").at("firmware_version").as_string(), "2.1.0");
  EXPECT_FALSE(Logged("download ")) << "pushed, never fetched";
  EXPECT_TRUE(WaitUntil([&] { return FirmwareVersionOf(device) == "2.1.0"; }));
}

TEST_F(Lwm2mFirmwareTest, AnIntegrityCheckFailureEndsFailedWithItsMeaning) {
  const auto image = Upload("3.0.0");
  ASSERT_GT(image, 0);
  const auto device = StartClient("fw-corrupt", [](auto& options) {
    options.fail_firmware_update = true;
    options.firmware_failure_result = 5;
  });
  ASSERT_GT(device, 0);
  const auto op = CreateUpdate(device, image);
  ASSERT_GT(op, 0);

  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "failed"; }, std::chrono::seconds(120)))
      << json::serialize(last_) << ClientLog() << server_->Output();
  EXPECT_EQ(last_.at("result").at("reason").as_string(), "update_result");
  EXPECT_EQ(last_.at("result").at("update_result").as_int64(), 5) << json::serialize(last_);
  EXPECT_NE(std::string(last_.at("result").at("message").as_string()).find("integrity check"),
            std::string::npos)
      << json::serialize(last_);
  EXPECT_EQ(FirmwareVersionOf(device), "1.0.0");
}

TEST_F(Lwm2mFirmwareTest, AnUnknownImageOrMethodFailsTheOperation) {
  const auto image = Upload("4.0.0");
  ASSERT_GT(image, 0);
  const auto device = StartClient("fw-unknown");
  ASSERT_GT(device, 0);
  const auto unknown = CreateUpdate(device, image + 100);
  ASSERT_GT(unknown, 0);
  ASSERT_TRUE(WaitUntil([&] { return StateOf(unknown) == "failed"; })) << json::serialize(last_);
  EXPECT_EQ(last_.at("result").at("reason").as_string(), "unknown_firmware")
      << json::serialize(last_);
  const auto ftp = CreateUpdate(device, image, R"(,"method":"ftp")");
  ASSERT_GT(ftp, 0);
  ASSERT_TRUE(WaitUntil([&] { return StateOf(ftp) == "failed"; })) << json::serialize(last_);
  EXPECT_EQ(last_.at("result").at("reason").as_string(), "invalid_parameters")
      << json::serialize(last_);
}

TEST_F(Lwm2mFirmwareTest, ALowBatteryHoldsTheUpdateAndARebootWaitsForIt) {
  const auto image = Upload("5.0.0");
  ASSERT_GT(image, 0);
  const auto device =
      StartClient("fw-battery", [](auto& options) { options.device.battery_level = 10; });
  ASSERT_GT(device, 0);
  // The profile reads the battery and observes it; a change before the observation's answer
  // would come in the answer, not as a notification.
  ASSERT_TRUE(WaitUntil([&] {
    auto listed = admin_->Get("/api/v1/devices/" + std::to_string(device) + "/lwm2m/observations");
    if (listed.status != 200) return false;
    for (const auto& o : listed.Json().at("observations").as_array()) {
      if (o.at("paths").as_array()[0] == "/3/0/9" && !o.at("value").is_null()) return true;
    }
    return false;
  }));
  ASSERT_TRUE(WaitUntil([&] {
    auto d = admin_->Get("/api/v1/devices/" + std::to_string(device));
    const auto& level = d.Json().at("health").at("battery_level");
    return level.is_int64() && level.as_int64() == 10;
  }));

  const auto update = CreateUpdate(device, image);
  ASSERT_GT(update, 0);
  auto created = Operation(update);
  EXPECT_EQ(created.at("state").as_string(), "waiting") << json::serialize(created);
  EXPECT_EQ(created.at("waiting_for").as_string(), "battery") << json::serialize(created);
  const auto reboot = Create(device, R"({"kind":"reboot"})");
  ASSERT_GT(reboot, 0);
  EXPECT_EQ(Operation(reboot).at("waiting_for").as_string(), "exclusive_lock");
  EXPECT_FALSE(Logged("download ")) << "nothing reached the device before it reported charge";

  // Charged: the update goes out and the reboot still waits for it.
  ASSERT_TRUE(client_->SetValue(lwm2m::Path::Resource(3, 0, 9), lwm2m::Value{std::int64_t{80}}));
  ASSERT_TRUE(WaitUntil([&] {
    const auto state = StateOf(update);
    return state == "sent" || state == "in_progress" || state == "succeeded";
  })) << json::serialize(last_);
  auto held = Operation(reboot);
  if (StateOf(update) != "succeeded") {
    EXPECT_EQ(held.at("state").as_string(), "waiting") << json::serialize(held);
    EXPECT_EQ(held.at("waiting_for").as_string(), "exclusive_lock") << json::serialize(held);
  }
  ASSERT_TRUE(WaitUntil([&] { return StateOf(update) == "succeeded"; }, std::chrono::seconds(120)))
      << json::serialize(last_) << ClientLog() << server_->Output();
  // Then the reboot: Execute /3/0/4 after the update's own reboot and re-registration.
  ASSERT_TRUE(WaitUntil([&] { return StateOf(reboot) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_);
  const auto done = Operation(update);
  EXPECT_LE(json::value_to<std::string>(done.at("updated_at")),
            json::value_to<std::string>(last_.at("updated_at")))
      << "the reboot ended after the update";
  EXPECT_TRUE(WaitUntil([&] { return client_->registrations() == 3; }))
      << "registered, rebooted by the update, rebooted by the reboot";
}

TEST_F(Lwm2mFirmwareTest, ARedeliveryAfterAKillResumesAndUpdatesOnce) {
  const auto image = Upload("6.0.0");
  ASSERT_GT(image, 0);
  // Without its timer the client stays in State 3 (Updating) after the Execute until the test
  // calls Tick, which "reboots" it into the new firmware.
  const auto device = StartClient("fw-restart", [](auto& options) {
    options.run_timer = false;
    options.lifetime_s = 3600;
  });
  ASSERT_GT(device, 0);
  const auto op = CreateUpdate(device, image);
  ASSERT_GT(op, 0);
  ASSERT_TRUE(WaitUntil([&] {
    StateOf(op);
    const auto* result = last_.as_object().if_contains("result");
    return result != nullptr && result->is_object() && result->as_object().contains("stage") &&
           result->at("stage") == "updating";
  })) << json::serialize(last_)
      << ClientLog();
  ASSERT_EQ(client_->GetValue(lwm2m::Path::Resource(5, 0, 3)), lwm2m::Value{std::int64_t{3}});

  // Killed while the device updates; back on the same CoAP port, the device's next Update is
  // the contact on which the engine delivers the operation again.
  const std::string url = server_->coap_url();
  const std::string port = url.substr(url.rfind(':') + 1);
  server_->Kill();
  server_.reset();
  server_ = std::make_unique<ServerProcess>(
      dir_.path(), std::vector<std::string>{"--coap-listen", "127.0.0.1:" + port});
  ASSERT_FALSE(server_->url().empty()) << server_->Output();
  admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  ASSERT_TRUE(client_->Update());
  // The server takes the update up again where the device is: Object 5 observed anew.
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(log_mu_);
    return std::count_if(log_.begin(), log_.end(),
                         [](const std::string& l) { return l.rfind("0.01 /5/0 ", 0) == 0; }) == 2;
  })) << ClientLog()
      << server_->Output();

  client_->Tick();  // the reboot into 6.0.0 and a new Register
  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_) << ClientLog() << server_->Output();
  EXPECT_EQ(last_.at("result").at("firmware_version").as_string(), "6.0.0");
  // Downloaded once, executed once: the redelivery went on from State 3.
  std::lock_guard lock(log_mu_);
  EXPECT_EQ(std::count_if(log_.begin(), log_.end(),
                          [](const std::string& l) { return l.rfind("download coap", 0) == 0; }),
            1)
      << server_->Output();
  EXPECT_EQ(std::count_if(log_.begin(), log_.end(),
                          [](const std::string& l) { return l.rfind("0.02 /5/0/2", 0) == 0; }),
            1)
      << server_->Output();
}

}  // namespace
}  // namespace custos::testing
