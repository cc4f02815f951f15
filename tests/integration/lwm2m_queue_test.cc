// LwM2M object models from lwm2m.models_dir and operations delivered to LwM2M devices through
// the operations engine: the real server, the project's LwM2M client as the device.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

// tests/data/lwm2m-models, beside this file's directory.
std::string ModelsDir() {
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "lwm2m-models")
      .string();
}

class Lwm2mQueueTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra) {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(extra));
    ASSERT_FALSE(server_->url().empty()) << server_->Output();
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Starts and registers a client called `name`; returns the device id.
  std::int64_t RegisterClient(const std::string& name, bool with_temperature = false) {
    lwm2m::client::ClientOptions options;
    options.endpoint_name = name;
    options.battery_step = std::chrono::milliseconds(0);
    if (with_temperature) options.models_dir = ModelsDir();
    auto client = lwm2m::client::Client::Start(options, server_->coap_url());
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return 0;
    client_ = std::move(*client);
    client_->OnReboot([this] { ++reboots_; });
    if (with_temperature) {
      lwm2m::Record value{*lwm2m::ParsePath("/3303/0/5700"), lwm2m::Value(21.5)};
      auto added = client_->AddInstance(3303, 0, {value});
      EXPECT_TRUE(added) << (added ? "" : added.error().message);
    }
    auto registered = client_->Register();
    EXPECT_TRUE(registered) << (registered ? "" : registered.error().message);
    auto found = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + name + "%22");
    EXPECT_EQ(found.status, 200) << found.body;
    const auto& devices = found.Json().at("devices").as_array();
    EXPECT_EQ(devices.size(), 1u);
    return devices.empty() ? 0 : devices[0].at("id").as_int64();
  }

  std::string StateOf(std::int64_t op) {
    auto r = admin_->Get("/api/v1/operations/" + std::to_string(op));
    if (r.status != 200 || !r.Json().is_object()) return "";
    last_ = r.Json();
    return std::string(last_.at("state").as_string());
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<lwm2m::client::Client> client_;
  std::atomic<int> reboots_{0};
  json::value last_;
};

TEST_F(Lwm2mQueueTest, ReadsAnObjectOfTheModelsDirectoryWithItsNamesAndTypes) {
  StartServer({"--lwm2m-models-dir", ModelsDir()});
  auto id = RegisterClient("models-3303", true);
  ASSERT_GT(id, 0);
  auto read = admin_->Get("/api/v1/devices/" + std::to_string(id) + "/lwm2m/3303/0");
  ASSERT_EQ(read.status, 200) << read.body;
  bool found = false;
  for (const auto& r : read.Json().at("resources").as_array()) {
    if (r.at("id").as_int64() != 5700) continue;
    found = true;
    EXPECT_EQ(r.at("name").as_string(), "Sensor Value") << read.body;
    EXPECT_EQ(r.at("type").as_string(), "Float") << read.body;
    EXPECT_DOUBLE_EQ(r.at("value").to_number<double>(), 21.5) << read.body;
  }
  EXPECT_TRUE(found) << read.body;
}

TEST_F(Lwm2mQueueTest, AModelsDirectoryThatIsNotThereStopsTheStart) {
  auto run = RunCustos({"serve", "--data-dir", dir_.path().string(), "--http-listen",
                        "127.0.0.1:0", "--coap-listen", "127.0.0.1:0", "--lwm2m-models-dir",
                        (dir_.path() / "no-such-dir").string()});
  EXPECT_NE(run.exit_code, 0);
  const std::string output = run.out + run.err;
  EXPECT_NE(output.find("lwm2m.models_dir"), std::string::npos) << output;
}

TEST_F(Lwm2mQueueTest, ARebootOperationIsExecutedOnTheDevice) {
  StartServer({});
  auto id = RegisterClient("ops-reboot");
  ASSERT_GT(id, 0);
  auto created = admin_->Post("/api/v1/devices/" + std::to_string(id) + "/operations",
                              R"({"kind":"reboot"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t op = created.Json().at("id").as_int64();
  EXPECT_TRUE(WaitUntil([&] { return StateOf(op) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_);
  // The client answers the Execute, then reboots.
  EXPECT_TRUE(WaitUntil([&] { return reboots_.load() > 0; }));
}

TEST_F(Lwm2mQueueTest, AReadOperationCarriesTheTypedValueInItsResult) {
  StartServer({});
  auto id = RegisterClient("ops-read");
  ASSERT_GT(id, 0);
  auto created = admin_->Post("/api/v1/devices/" + std::to_string(id) + "/operations",
                              R"({"kind":"read","parameters":{"path":"/3/0/0"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t op = created.Json().at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_);
  EXPECT_EQ(last_.at("result").at("value").at("value").as_string(), "Custos")
      << json::serialize(last_);
}

TEST_F(Lwm2mQueueTest, AnErrorAnswerFailsTheOperationWithTheCoapCode) {
  StartServer({});
  auto id = RegisterClient("ops-404");
  ASSERT_GT(id, 0);
  auto created = admin_->Post("/api/v1/devices/" + std::to_string(id) + "/operations",
                              R"({"kind":"read","parameters":{"path":"/3/0/999"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t op = created.Json().at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return StateOf(op) == "failed"; }, std::chrono::seconds(60)))
      << json::serialize(last_);
  EXPECT_EQ(last_.at("result").at("code").as_string(), "4.04") << json::serialize(last_);
}

}  // namespace
}  // namespace custos::testing
