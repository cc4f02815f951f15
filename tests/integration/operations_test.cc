// Remote operations end to end: the real `custos serve`, Debian's mosquitto clients as the
// device, the REST API and the event stream to see what happened. A device has one client id
// (its name), so the test runs it as a sequence of connections: a subscriber in a persistent
// session that leaves after the messages it expects, and publishers for its reports.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "background_program.h"
#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

constexpr char kSecret[] = "device-password-0123456789";

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    // Retries a second apart, and enough of them, so that a device subscribing just after
    // it connects gets its operation quickly.
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"--coap-listen", "off", "--coaps-listen", "off",
                                              "--operations-retry-initial-s", "1",
                                              "--operations-max-attempts", "30"});
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->mqtt_url().empty()) << server_->Output();
    mqtt_port_ = server_->mqtt_url().substr(server_->mqtt_url().rfind(':') + 1);
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // A device with a password credential that has connected once (so its protocol is mqtt),
  // reporting `reported` as its state.
  std::string Device(const std::string& name, const std::string& reported = "{}") {
    auto created = admin_->Post("/api/v1/devices", R"({"name":")" + name + R"("})");
    EXPECT_EQ(created.status, 201) << created.body;
    std::string id = std::to_string(created.Json().at("id").as_int64());
    auto cred = admin_->Post("/api/v1/devices/" + id + "/credentials",
                             std::string(R"({"kind":"password","secret":")") + kSecret + "\"}");
    EXPECT_EQ(cred.status, 201) << cred.body;
    auto hello = Pub(name, "state/reported", R"({"state":)" + reported + "}");
    EXPECT_EQ(hello.exit_code, 0) << hello.out << hello.err;
    // The publisher's connection has ended on the server's side too before the test goes on,
    // so that the device is offline and its next connection is the only one.
    EXPECT_TRUE(WaitUntil([&] { return !Online(id); }));
    return id;
  }

  bool Online(const std::string& id) {
    auto r = admin_->Get("/api/v1/devices/" + id);
    return r.status == 200 && r.Json().at("connectivity").at("online").as_bool();
  }

  std::vector<std::string> Connection(const std::string& tool, const std::string& name) {
    return {tool, "-h", "127.0.0.1", "-p", mqtt_port_, "-V",   "mqttv311",
            "-i", name, "-u",        name, "-P",       kSecret};
  }

  // The device listening for `count` operations in its persistent session, then leaving.
  std::unique_ptr<Background> Listen(const std::string& name, int count) {
    auto argv = Connection("mosquitto_sub", name);
    argv.insert(argv.end(), {"-c", "-q", "1", "-t", "devices/" + name + "/operations/+", "-C",
                             std::to_string(count), "-W", "120", "-v"});
    return std::make_unique<Background>(argv);
  }

  CommandResult Pub(const std::string& name, const std::string& topic, const std::string& message) {
    auto argv = Connection("mosquitto_pub", name);
    argv.insert(argv.end(), {"-q", "1", "-t", "devices/" + name + "/" + topic, "-m", message});
    return RunProgram(argv, {}, std::chrono::seconds(30));
  }

  json::object Create(const std::string& device, const std::string& body, int status = 201) {
    auto r = admin_->Post("/api/v1/devices/" + device + "/operations", body);
    EXPECT_EQ(r.status, status) << r.body;
    return r.status == status && r.Json().is_object() ? r.Json().as_object() : json::object();
  }

  json::object Get(std::int64_t id) {
    auto r = admin_->Get("/api/v1/operations/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json().as_object() : json::object();
  }

  std::string StateOf(std::int64_t id) {
    json::object op = Get(id);
    return op.contains("state") ? std::string(op.at("state").as_string()) : "";
  }

  bool WaitForState(std::int64_t id, const std::string& state) {
    return WaitUntil([&] { return StateOf(id) == state; }, std::chrono::seconds(60));
  }

  static std::string Topic(const std::string& name, std::int64_t id) {
    return "devices/" + name + "/operations/op-" + std::to_string(id);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::string mqtt_port_;
};

TEST_F(OperationsTest, RebootReachesTheDeviceWithItsIdAndEndsWithItsResult) {
  const std::string id = Device("pump-1");
  SseStream events(server_->host(), server_->port(), "/api/v1/events?type=operation.*",
                   kAdminToken);
  ASSERT_EQ(events.status(), 200);
  auto device = Listen("pump-1", 1);
  ASSERT_TRUE(WaitUntil([&] { return Online(id); }));

  json::object op = Create(id, R"({"kind":"reboot","timeout_s":600})");
  ASSERT_TRUE(op.contains("id"));
  const std::int64_t op_id = op.at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return device->Exited(); }, std::chrono::seconds(60)))
      << device->Output();
  EXPECT_NE(device->Output().find(Topic("pump-1", op_id) + R"( {"kind":"reboot","parameters":{}})"),
            std::string::npos)
      << device->Output();

  auto result = Pub("pump-1", "operations/op-" + std::to_string(op_id) + "/result",
                    R"({"state":"succeeded","result":{"uptime_s":3}})");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_TRUE(WaitForState(op_id, "succeeded"));
  EXPECT_EQ(Get(op_id).at("result").at("result").at("uptime_s").as_int64(), 3);

  std::vector<std::string> seen;
  while (auto e = events.Next(std::chrono::seconds(20))) {
    auto data = json::parse(e->data).at("data");
    if (data.at("id").as_int64() != op_id) continue;
    seen.push_back(e->type + " " + std::string(data.at("state").as_string()));
    if (seen.back() == "operation.updated succeeded") break;
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), "operation.created pending");
  EXPECT_NE(std::find(seen.begin(), seen.end(), "operation.updated sent"), seen.end());
  EXPECT_EQ(seen.back(), "operation.updated succeeded");
}

TEST_F(OperationsTest, FirmwareUpdateWaitsForBatteryAndARebootWaitsForTheUpdate) {
  const std::string id = Device("cam-1", R"({"battery_level":10})");
  json::object update = Create(
      id,
      R"({"kind":"firmware_update","parameters":{"url":"https://fw.example/c.bin",)"
      R"("size":1024,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}})");
  ASSERT_TRUE(update.contains("id"));
  const std::int64_t update_id = update.at("id").as_int64();
  EXPECT_EQ(update.at("state").as_string(), "waiting");
  EXPECT_EQ(update.at("waiting_for").as_string(), "battery");

  json::object refused = Create(id, R"({"kind":"reboot","on_conflict":"reject"})");
  EXPECT_EQ(refused.at("state").as_string(), "rejected");
  EXPECT_NE(json::serialize(refused.at("result")).find("another disruptive operation"),
            std::string::npos);
  json::object reboot = Create(id, R"({"kind":"reboot"})");
  const std::int64_t reboot_id = reboot.at("id").as_int64();
  EXPECT_EQ(reboot.at("waiting_for").as_string(), "exclusive_lock");

  // Charged: the update goes out, the reboot still waits for it.
  ASSERT_EQ(Pub("cam-1", "state/reported", R"({"state":{"battery_level":80}})").exit_code, 0);
  auto device = Listen("cam-1", 1);
  ASSERT_TRUE(WaitUntil([&] { return device->Exited(); }, std::chrono::seconds(60)))
      << device->Output();
  EXPECT_NE(device->Output().find(Topic("cam-1", update_id) + R"( {"kind":"firmware_update")"),
            std::string::npos)
      << device->Output();
  EXPECT_EQ(StateOf(update_id), "sent");
  EXPECT_EQ(Get(reboot_id).at("waiting_for").as_string(), "exclusive_lock");

  ASSERT_EQ(
      Pub("cam-1", "operations/op-" + std::to_string(update_id) + "/progress", R"({"progress":50})")
          .exit_code,
      0);
  ASSERT_TRUE(WaitForState(update_id, "in_progress"));
  ASSERT_EQ(Pub("cam-1", "operations/op-" + std::to_string(update_id) + "/result",
                R"({"state":"succeeded"})")
                .exit_code,
            0);
  ASSERT_TRUE(WaitForState(update_id, "succeeded"));
  auto again = Listen("cam-1", 1);
  ASSERT_TRUE(WaitUntil([&] { return again->Exited(); }, std::chrono::seconds(60)))
      << again->Output();
  EXPECT_NE(again->Output().find(Topic("cam-1", reboot_id)), std::string::npos) << again->Output();
}

TEST_F(OperationsTest, OperationCreatedWhileOfflineIsDeliveredWhenTheDeviceConnects) {
  const std::string id = Device("meter-1");
  json::object op = Create(id, R"({"kind":"custom","parameters":{"command":"flush"}})");
  const std::int64_t op_id = op.at("id").as_int64();
  EXPECT_EQ(op.at("state").as_string(), "waiting");
  EXPECT_EQ(op.at("waiting_for").as_string(), "offline");

  auto device = Listen("meter-1", 1);
  ASSERT_TRUE(WaitUntil([&] { return device->Exited(); }, std::chrono::seconds(60)))
      << device->Output();
  EXPECT_NE(device->Output().find(Topic("meter-1", op_id) +
                                  R"( {"kind":"custom","parameters":{"command":"flush"}})"),
            std::string::npos)
      << device->Output();
  EXPECT_EQ(StateOf(op_id), "sent");

  auto list = admin_->Get("/api/v1/devices/" + id + "/operations?state=sent");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("operations").as_array().size(), 1u);
  auto cancelled = admin_->Post("/api/v1/operations/" + std::to_string(op_id) + "/cancel", "");
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  auto twice = admin_->Post("/api/v1/operations/" + std::to_string(op_id) + "/cancel", "");
  EXPECT_EQ(twice.status, 409) << twice.body;
}

TEST_F(OperationsTest, AfterKillNineASentOperationIsDeliveredAgainWithTheSameId) {
  const std::string id = Device("boiler-1");
  auto device = Listen("boiler-1", 1);
  json::object op = Create(id, R"({"kind":"factory_reset"})");
  const std::int64_t op_id = op.at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return device->Exited(); }, std::chrono::seconds(60)))
      << device->Output();
  ASSERT_NE(device->Output().find(Topic("boiler-1", op_id)), std::string::npos);
  ASSERT_EQ(StateOf(op_id), "sent");

  server_->Kill();
  StartServer();
  auto again = Listen("boiler-1", 1);
  ASSERT_TRUE(WaitUntil([&] { return again->Exited(); }, std::chrono::seconds(60)))
      << again->Output();
  EXPECT_NE(again->Output().find(Topic("boiler-1", op_id) + R"( {"kind":"factory_reset")"),
            std::string::npos)
      << again->Output();
  json::object after = Get(op_id);
  EXPECT_EQ(after.at("state").as_string(), "sent");
  EXPECT_GE(after.at("attempts").as_int64(), 2);
  auto all = admin_->Get("/api/v1/operations");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.Json().at("operations").as_array().size(), 1u);
}

TEST_F(OperationsTest, KindsTheProtocolCannotCarryAndRetiredDevicesAre422) {
  const std::string id = Device("tap-1");
  Create(id, R"({"kind":"read"})", 422);
  Create(id, R"({"kind":"reboot","deadline":"2020-01-01T00:00:00Z"})", 400);
  Create(id, R"({"kind":"nap"})", 400);
  ASSERT_EQ(admin_->Post("/api/v1/devices/" + id + "/retire", "").status, 200);
  Create(id, R"({"kind":"reboot"})", 422);
}

}  // namespace
}  // namespace custos::testing
