// The device-management contract over MQTT, end to end: the real `custos serve`, Debian's
// mosquitto clients as devices (MQTT 3.1.1 and 5), and the REST API to see what they did.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

class MqttContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // CoAP plays no part here.
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"--coap-listen", "off", "--coaps-listen", "off"});
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->mqtt_url().empty()) << server_->Output();
    mqtt_port_ = server_->mqtt_url().substr(server_->mqtt_url().rfind(':') + 1);
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // A device with a password credential (user name = its name, password kSecret).
  std::string Device(const std::string& name) {
    auto created = admin_->Post("/api/v1/devices", R"({"name":")" + name + R"("})");
    EXPECT_EQ(created.status, 201) << created.body;
    std::string id = std::to_string(created.Json().at("id").as_int64());
    auto cred = admin_->Post("/api/v1/devices/" + id + "/credentials",
                             std::string(R"({"kind":"password","secret":")") + kSecret + "\"}");
    EXPECT_EQ(cred.status, 201) << cred.body;
    return id;
  }

  // The common connection options of a device: version "mqttv311" or "mqttv5".
  std::vector<std::string> Connection(const std::string& tool, const std::string& name,
                                      const std::string& version,
                                      const std::string& password = kSecret) {
    return {tool, "-h", "127.0.0.1", "-p", mqtt_port_, "-V",    version,
            "-i", name, "-u",        name, "-P",       password};
  }

  CommandResult Pub(const std::string& name, const std::string& version, const std::string& topic,
                    const std::string& message, const std::string& password = kSecret) {
    auto argv = Connection("mosquitto_pub", name, version, password);
    argv.insert(argv.end(), {"-q", "1", "-t", "devices/" + name + "/" + topic, "-m", message});
    return RunProgram(argv, {}, std::chrono::seconds(30));
  }

  json::value GetJson(const std::string& target) {
    auto r = admin_->Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.status == 200 ? r.Json() : json::value();
  }

  bool Online(const std::string& id) {
    auto d = GetJson("/api/v1/devices/" + id);
    return d.is_object() && d.at("connectivity").at("online").as_bool();
  }

  std::string Metrics() { return admin_->Get("/metrics").body; }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::string mqtt_port_;
};

TEST_F(MqttContractTest, ReportedStateAndIdentityShowInTheRestApi) {
  for (const std::string version : {"mqttv311", "mqttv5"}) {
    const std::string name = "meter-" + version;
    const std::string id = Device(name);
    auto identity = Pub(name, version, "identity",
                        R"({"manufacturer":"Acme","model":"M-1","firmware_version":"2.4.1",)"
                        R"("supported_operations":["reboot","firmware_update"]})");
    ASSERT_EQ(identity.exit_code, 0) << identity.out << identity.err;
    auto reported =
        Pub(name, version, "state/reported", R"({"state":{"battery_level":87,"interval":30}})");
    ASSERT_EQ(reported.exit_code, 0) << reported.out << reported.err;

    auto device = GetJson("/api/v1/devices/" + id);
    EXPECT_EQ(device.at("firmware_version").as_string(), "2.4.1") << version;
    EXPECT_EQ(device.at("manufacturer").as_string(), "Acme");
    EXPECT_EQ(device.at("protocol").as_string(), "mqtt");
    EXPECT_EQ(device.at("health").at("battery_level").as_int64(), 87);
    auto state = GetJson("/api/v1/devices/" + id + "/state");
    EXPECT_EQ(state.at("reported").at("interval").as_int64(), 30);
    EXPECT_EQ(state.at("reported").at("supported_operations"),
              json::parse(R"(["reboot","firmware_update"])"));
    EXPECT_EQ(state.at("reported_version").as_int64(), 2);
  }
}

TEST_F(MqttContractTest, ADesiredChangeReachesAConnectedDevice) {
  const std::string id = Device("valve-1");
  auto argv = Connection("mosquitto_sub", "valve-1", "mqttv5");
  argv.insert(argv.end(),
              {"-q", "1", "-t", "devices/valve-1/state/#", "-C", "2", "-W", "60", "-v"});
  Background device(argv);
  ASSERT_TRUE(WaitUntil([&] { return Online(id); })) << device.Output();

  auto patched = admin_->Patch("/api/v1/devices/" + id + "/state/desired",
                               R"({"interval":10,"valve":{"open":true}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_TRUE(WaitUntil([&] { return device.Exited(); })) << device.Output();
  const std::string out = device.Output();
  EXPECT_NE(
      out.find(
          R"(devices/valve-1/state/desired {"state":{"interval":10,"valve":{"open":true}},"version":1})"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find(
          R"(devices/valve-1/state/delta {"state":{"interval":10,"valve":{"open":true}},"version":1})"),
      std::string::npos)
      << out;
}

TEST_F(MqttContractTest, AnOfflineDeviceWithAPersistentSessionGetsItOnReconnect) {
  for (const std::string version : {"mqttv311", "mqttv5"}) {
    const std::string name = "sleepy-" + version;
    const std::string id = Device(name);
    // Subscribe in a persistent session, then go away.
    auto subscribe = Connection("mosquitto_sub", name, version);
    subscribe.insert(subscribe.end(),
                     {"-c", "-q", "1", "-t", "devices/" + name + "/state/desired", "-E"});
    if (version == "mqttv5") subscribe.insert(subscribe.end(), {"-x", "3600"});
    auto first = RunProgram(subscribe, {}, std::chrono::seconds(30));
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    ASSERT_TRUE(WaitUntil([&] { return !Online(id); }));

    auto patched = admin_->Patch("/api/v1/devices/" + id + "/state/desired", R"({"mode":"eco"})");
    ASSERT_EQ(patched.status, 200) << patched.body;

    auto again = Connection("mosquitto_sub", name, version);
    again.insert(again.end(), {"-c", "-q", "1", "-t", "devices/" + name + "/state/desired", "-C",
                               "1", "-W", "60"});
    if (version == "mqttv5") again.insert(again.end(), {"-x", "3600"});
    auto back = RunProgram(again, {}, std::chrono::seconds(90));
    EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
    EXPECT_NE(back.out.find(R"({"state":{"mode":"eco"},"version":1})"), std::string::npos)
        << version << ": " << back.out << back.err;
  }
}

TEST_F(MqttContractTest, AnAcknowledgedDesiredStateIsNotSentAgain) {
  const std::string id = Device("ack-1");
  ASSERT_EQ(admin_->Patch("/api/v1/devices/" + id + "/state/desired", R"({"interval":5})").status,
            200);
  auto acked =
      Pub("ack-1", "mqttv311", "state/reported", R"({"state":{"interval":5},"desired_version":1})");
  ASSERT_EQ(acked.exit_code, 0) << acked.err;
  auto state = GetJson("/api/v1/devices/" + id + "/state");
  EXPECT_EQ(state.at("desired_acknowledged").as_int64(), 1);
  EXPECT_EQ(state.at("delta"), json::value(json::object()));
}

TEST_F(MqttContractTest, AWrongPasswordIsRefused) {
  Device("guarded-1");
  auto refused = Pub("guarded-1", "mqttv5", "telemetry", R"({"t":1})", "not-the-password-000");
  EXPECT_NE(refused.exit_code, 0) << refused.out << refused.err;
  auto refused311 = Pub("guarded-1", "mqttv311", "telemetry", R"({"t":1})", "not-it-either-00000");
  EXPECT_NE(refused311.exit_code, 0);
  EXPECT_NE(Metrics().find(R"(custos_mqtt_connects_total{result="bad_credentials"} 2)"),
            std::string::npos);
}

TEST_F(MqttContractTest, RetiringADeviceClosesItsConnection) {
  const std::string id = Device("doomed-1");
  auto argv = Connection("mosquitto_sub", "doomed-1", "mqttv5");
  argv.insert(argv.end(), {"-q", "1", "-t", "devices/doomed-1/#", "-W", "120"});
  Background device(argv);
  ASSERT_TRUE(WaitUntil([&] { return Online(id); })) << device.Output();
  auto retired = admin_->Post("/api/v1/devices/" + id + "/retire", R"({"reason":"stolen"})");
  ASSERT_EQ(retired.status, 200) << retired.body;
  EXPECT_TRUE(WaitUntil([&] { return !Online(id); }));
  EXPECT_TRUE(WaitUntil([&] {
    return Metrics().find(R"(custos_mqtt_closed_total{reason="lifecycle"} 1)") != std::string::npos;
  }));
}

TEST_F(MqttContractTest, TelemetryAndLogsShowInTheRestApi) {
  const std::string id = Device("pump-7");
  ASSERT_EQ(Pub("pump-7", "mqttv5", "telemetry", R"({"flow_lpm":12.5,"pump_on":true})").exit_code,
            0);
  ASSERT_EQ(Pub("pump-7", "mqttv311", "telemetry", R"({"flow_lpm":13})").exit_code, 0);
  ASSERT_EQ(Pub("pump-7", "mqttv5", "logs",
                "{\"level\":\"warn\",\"message\":\"pressure high\"}\n"
                "{\"level\":\"info\",\"message\":\"valve closed\",\"at\":\"2026-11-27T16:40:00Z\"}")
                .exit_code,
            0);
  auto telemetry = GetJson("/api/v1/devices/" + id + "/telemetry");
  EXPECT_EQ(telemetry.at("measurements"), json::parse(R"({"flow_lpm":13,"pump_on":true})"));
  EXPECT_TRUE(telemetry.at("updated_at").is_string());
  auto logs = GetJson("/api/v1/devices/" + id + "/logs");
  auto lines = logs.at("logs").as_array();
  ASSERT_EQ(lines.size(), 2u) << logs;
  EXPECT_EQ(lines[0].at("level").as_string(), "warn");
  EXPECT_EQ(lines[1].at("message").as_string(), "valve closed");
  EXPECT_EQ(lines[1].at("at").as_string(), "2026-11-27T16:40:00.000Z");
}

TEST_F(MqttContractTest, MalformedJsonIsRefusedCountedAndNotStored) {
  const std::string id = Device("broken-1");
  auto bad = Pub("broken-1", "mqttv5", "state/reported", R"({"state":{"battery_level":)");
  EXPECT_NE((bad.out + bad.err).find("ayload format invalid"), std::string::npos)
      << bad.exit_code << " " << bad.out << bad.err;
  auto state = GetJson("/api/v1/devices/" + id + "/state");
  EXPECT_EQ(state.at("reported_version").as_int64(), 0);
  EXPECT_NE(
      Metrics().find(R"(custos_mqtt_device_messages_total{kind="reported",result="malformed"} 1)"),
      std::string::npos);
}

TEST_F(MqttContractTest, RequestsAreAnsweredOnTheReplyTopicOrTheResponseTopic) {
  const std::string id = Device("asker-1");
  ASSERT_EQ(admin_->Patch("/api/v1/devices/" + id + "/state/desired", R"({"interval":7})").status,
            200);
  // MQTT 5: Response Topic and Correlation Data, as mosquitto_rr sends them.
  auto rr = Connection("mosquitto_rr", "asker-1", "mqttv5");
  rr.insert(rr.end(), {"-t", "devices/asker-1/requests", "-e", "devices/asker-1/replies/rr", "-m",
                       R"({"method":"desired"})", "-W", "30"});
  auto answered = RunProgram(rr, {}, std::chrono::seconds(60));
  EXPECT_EQ(answered.exit_code, 0) << answered.out << answered.err;
  EXPECT_NE(
      answered.out.find(R"("result":{"delta":{"interval":7},"state":{"interval":7},"version":1})"),
      std::string::npos)
      << answered.out;

  // MQTT 3.1.1 has no Response Topic: requests/{rid} is answered on replies/{rid}
  // (mosquitto_rr subscribes to the reply topic, then publishes, on one connection).
  auto rr311 = Connection("mosquitto_rr", "asker-1", "mqttv311");
  rr311.insert(rr311.end(),
               {"-t", "devices/asker-1/requests/r1", "-e", "devices/asker-1/replies/r1", "-m",
                R"({"method":"time"})", "-W", "30"});
  auto timed = RunProgram(rr311, {}, std::chrono::seconds(60));
  EXPECT_EQ(timed.exit_code, 0) << timed.out << timed.err;
  auto reply = json::parse(timed.out.substr(0, timed.out.find('\n')));
  EXPECT_EQ(reply.at("method").as_string(), "time");
  EXPECT_GT(reply.at("result").at("epoch_ms").as_int64(), 1'700'000'000'000);
}

TEST_F(MqttContractTest, MetricsCountConnectsAndDeviceMessages) {
  Device("counted-1");
  ASSERT_EQ(Pub("counted-1", "mqttv5", "telemetry", R"({"t":1})").exit_code, 0);
  const std::string metrics = Metrics();
  for (const char* line :
       {R"(custos_mqtt_connects_total{result="accepted"} 1)",
        R"(custos_mqtt_device_messages_total{kind="telemetry",result="accepted"} 1)",
        "custos_mqtt_publishes_total{direction=\"in\"} 1", "# TYPE custos_mqtt_connections gauge",
        "# TYPE custos_mqtt_sessions gauge"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  }
}

}  // namespace
}  // namespace custos::testing
