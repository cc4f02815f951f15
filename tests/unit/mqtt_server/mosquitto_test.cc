// The endpoint against mosquitto_pub and mosquitto_sub (mosquitto-clients), an MQTT client
// nobody here wrote, in 3.1.1 and 5.0.
#include <algorithm>
#include <cctype>

#include "fixture.h"

namespace custos::mqtt::server {
namespace {

using testing::Background;
using testing::OnPath;
using testing::ProcessResult;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class MosquittoTest : public ServerFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    if (!OnPath("mosquitto_pub") || !OnPath("mosquitto_sub")) {
      GTEST_SKIP() << "mosquitto-clients is not installed";
    }
    ServerFixture::SetUp();
    StartServer();
  }

  std::string version() const { return GetParam(); }

  std::vector<std::string> Base(const std::string& tool, const Provisioned& d,
                                const std::string& password) const {
    return {tool,   "-h",      "127.0.0.1", "-p",   std::to_string(port_),
            "-V",   version(), "-i",        d.name, "-u",
            d.name, "-P",      password};
  }

  ProcessResult Pub(const Provisioned& d, const std::string& password, const std::string& topic,
                    const std::string& message, int qos = 1) {
    auto argv = Base("mosquitto_pub", d, password);
    argv.insert(argv.end(), {"-t", topic, "-m", message, "-q", std::to_string(qos)});
    return testing::Run(argv, 20s);
  }
};

TEST_P(MosquittoTest, GoodLoginPublishesToTheHandler) {
  auto d = AddDevice("thermo-1");
  auto r = Pub(d, d.password, "devices/thermo-1/temp", "21.5");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 1; }, 5s));
  auto got = handler_.publishes()[0];
  EXPECT_EQ(got.sender.device_name, "thermo-1");
  EXPECT_EQ(got.message.topic, "devices/thermo-1/temp");
  EXPECT_EQ(std::string(got.message.payload.begin(), got.message.payload.end()), "21.5");
  EXPECT_EQ(got.message.qos, QoS::kAtLeastOnce);
}

TEST_P(MosquittoTest, RefusedLoginsSayWhy) {
  auto good = AddDevice("thermo-1");
  auto disabled = AddDevice("thermo-d");
  ASSERT_TRUE(registry_->DisableDevice(admin(), disabled.id, "test"));
  auto retired = AddDevice("thermo-r");
  ASSERT_TRUE(registry_->RetireDevice(admin(), retired.id, "test"));
  Provisioned unknown{0, "nobody", "whatever-password"};

  auto wrong = Pub(good, "wrong-password!", "devices/thermo-1/t", "x");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(Lower(wrong.out).find("bad user name or password"), std::string::npos) << wrong.out;
  auto nobody = Pub(unknown, unknown.password, "devices/nobody/t", "x");
  EXPECT_NE(nobody.exit_code, 0);
  EXPECT_NE(Lower(nobody.out).find("bad user name or password"), std::string::npos) << nobody.out;
  auto off = Pub(disabled, disabled.password, "devices/thermo-d/t", "x");
  EXPECT_NE(off.exit_code, 0);
  EXPECT_NE(Lower(off.out).find("not authori"), std::string::npos) << off.out;
  // Retirement revoked the password, so it is unknown now.
  auto gone = Pub(retired, retired.password, "devices/thermo-r/t", "x");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(Lower(gone.out).find("bad user name or password"), std::string::npos) << gone.out;
  EXPECT_TRUE(handler_.publishes().empty());
  const Stats s = server_->stats();
  EXPECT_EQ(s.connects_bad_credentials, 3u);
  EXPECT_EQ(s.connects_not_authorized, 1u);
}

TEST_P(MosquittoTest, CrossDevicePublishIsRefused) {
  auto a = AddDevice("thermo-a");
  AddDevice("thermo-b");
  auto r = Pub(a, a.password, "devices/thermo-b/temp", "spoof");
  if (version() == "mqttv5") {
    // PUBACK 0x87: mosquitto_pub reports the failed publish.
    EXPECT_NE(Lower(r.out).find("not authori"), std::string::npos) << r.out;
  } else {
    EXPECT_NE(r.exit_code, 0) << r.out;  // the connection was closed under it
  }
  EXPECT_TRUE(handler_.publishes().empty());
  EXPECT_EQ(server_->stats().publishes_refused, 1u);
}

TEST_P(MosquittoTest, WildcardAndCrossDeviceSubscriptionsAreRefused) {
  auto a = AddDevice("thermo-a");
  AddDevice("thermo-b");
  for (const char* filter : {"#", "devices/thermo-b/#", "+/thermo-a/#"}) {
    auto argv = Base("mosquitto_sub", a, a.password);
    argv.insert(argv.end(), {"-t", filter, "-C", "1", "-W", "3"});
    auto r = testing::Run(argv, 20s);
    // mosquitto_sub reports the refusal and exits (with 0).
    EXPECT_FALSE(r.timed_out) << filter;
    EXPECT_NE(Lower(r.out).find("denied"), std::string::npos) << filter << ": " << r.out;
  }
  EXPECT_EQ(server_->stats().subscribes_refused, 3u);
}

TEST_P(MosquittoTest, PersistentSessionReceivesWhatWasQueuedWhileOffline) {
  auto d = AddDevice("thermo-1");
  auto argv = Base("mosquitto_sub", d, d.password);
  argv.insert(argv.end(),
              {"-c", "-q", "1", "-t", "devices/thermo-1/commands", "-C", "1", "-W", "10"});
  if (version() == "mqttv5") argv.insert(argv.end(), {"-x", "600"});
  {
    // Subscribe once, then go away: the session keeps the subscription.
    Background first(argv, dir_ / "sub1.txt");
    ASSERT_TRUE(WaitFor([&] { return handler_.connects().size() == 1; }, 10s));
    Message ping;
    ping.topic = "devices/thermo-1/commands";
    ping.payload = {'h', 'i'};
    ping.qos = QoS::kAtLeastOnce;
    // The subscription lands a moment after the CONNECT: poll until it matches.
    ASSERT_TRUE(WaitFor([&] { return server_->Publish(d.id, ping).has_value(); }, 10s));
    EXPECT_EQ(first.Wait(10s), 0) << first.Output();
  }
  ASSERT_TRUE(WaitFor([&] { return handler_.disconnects().size() == 1; }, 10s));
  Message command;
  command.topic = "devices/thermo-1/commands";
  const std::string text = "reboot-at-noon";
  command.payload.assign(text.begin(), text.end());
  command.qos = QoS::kAtLeastOnce;
  auto outcome = server_->Publish(d.id, command);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, PublishOutcome::kQueued);
  auto r = testing::Run(argv, 20s);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(text), std::string::npos) << r.out;
}

TEST_P(MosquittoTest, OperatorFollowsFleetEventsReadOnly) {
  auto d = AddDevice("thermo-1");
  const std::string secret = AddToken("dashboard", core::Role::kViewer);
  std::vector<std::string> argv = {"mosquitto_sub",
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port_),
                                   "-V",
                                   version(),
                                   "-i",
                                   "dash-1",
                                   "-u",
                                   "operator",
                                   "-P",
                                   secret,
                                   "-t",
                                   "events/#",
                                   "-q",
                                   "1",
                                   "-v",
                                   "-C",
                                   "1",
                                   "-W",
                                   "20"};
  testing::Background sub(argv, dir_ / "events.txt");
  // The subscription lands a moment after the CONNECT: disable and enable until an event
  // reaches the operator.
  ASSERT_TRUE(WaitFor(
      [&] {
        (void)registry_->DisableDevice(admin(), d.id, "test");
        (void)registry_->EnableDevice(admin(), d.id, "test");
        return sub.Output().find("events/device/") != std::string::npos;
      },
      20s))
      << sub.Output();
  EXPECT_EQ(sub.Wait(10s), 0) << sub.Output();
  EXPECT_NE(sub.Output().find("\"type\":\"device."), std::string::npos) << sub.Output();
  // Read-only: a publish by the operator is refused (v5 PUBACK 0x87; 3.1.1 closed).
  std::vector<std::string> pub = {"mosquitto_pub",
                                  "-h",
                                  "127.0.0.1",
                                  "-p",
                                  std::to_string(port_),
                                  "-V",
                                  version(),
                                  "-i",
                                  "dash-2",
                                  "-u",
                                  "operator",
                                  "-P",
                                  secret,
                                  "-t",
                                  "devices/thermo-1/commands",
                                  "-m",
                                  "x",
                                  "-q",
                                  "1"};
  auto r = testing::Run(pub, 20s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(handler_.publishes().empty());
  EXPECT_GE(server_->stats().publishes_refused, 1u);
}

INSTANTIATE_TEST_SUITE_P(Versions, MosquittoTest, ::testing::Values("mqttv311", "mqttv5"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace custos::mqtt::server
