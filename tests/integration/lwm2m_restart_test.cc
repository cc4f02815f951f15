// LwM2M registrations across a restart of the real server: a device registers with Debian's
// libcoap client, the server stops (SIGTERM) or dies (SIGKILL), starts again on the same
// ports and data directory, and the device's next Update to the same /rd/{id} from the same
// address is answered 2.04 without registering again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "http_client.h"
#include "lwm2m_support.h"
#include "server_process.h"

namespace custos::testing {
namespace {

class Lwm2mRestartTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(extra));
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // The listener's port from "coap://127.0.0.1:PORT".
  std::string CoapPort() const {
    const std::string& url = server_->coap_url();
    return url.substr(url.rfind(':') + 1);
  }

  // coap-client-notls from the device's own UDP port (-p), as a device keeps its address.
  CommandResult Coap(const std::string& method, const std::string& path_and_query,
                     const std::string& payload = "") {
    std::vector<std::string> argv = {"coap-client-notls", "-B", "5",  "-v", "6",
                                     "-p", std::to_string(device_port_), "-m", method};
    if (!payload.empty()) argv.insert(argv.end(), {"-t", "40", "-e", payload});
    argv.push_back(server_->coap_url() + path_and_query);
    return RunProgram(argv, {}, std::chrono::seconds(30));
  }

  // Registers, restarts the server (killed or stopped), and sends the Update.
  void RegisterRestartUpdate(bool kill) {
    Start();
    auto registered = Coap("post", "/rd?ep=survivor&lt=600&lwm2m=1.1&b=U", "</1>;ver=1.1,</3/0>");
    ASSERT_TRUE(Says(registered, "2.01")) << registered.out << registered.err;
    const std::string location = RegistrationLocation(registered);
    ASSERT_FALSE(location.empty()) << registered.out << registered.err;
    const auto id = DeviceNamed(*admin_, "survivor").at("id").as_int64();
    const std::string port = CoapPort();
    // Acknowledged means committed: even a kill right after the 2.01 keeps the registration.
    if (kill) {
      server_->Kill();
    } else {
      ASSERT_EQ(server_->Stop(), 0) << server_->Output();
    }
    server_.reset();
    Start({"--coap-listen", "127.0.0.1:" + port});
    ASSERT_EQ(CoapPort(), port);

    auto updated = Coap("post", location + "?lt=300");
    EXPECT_TRUE(Says(updated, "2.04")) << updated.out << updated.err << server_->Output();
    auto device = admin_->Get("/api/v1/devices/" + std::to_string(id));
    ASSERT_EQ(device.status, 200) << device.body;
    EXPECT_TRUE(WaitUntil([&] {
      auto d = DeviceNamed(*admin_, "survivor");
      return d.is_object() && d.at("connectivity").at("online").as_bool() &&
             d.at("connectivity").at("lifetime").as_int64() == 300;
    }));
    EXPECT_EQ(DeviceNamed(*admin_, "survivor").at("id").as_int64(), id)
        << "the same device, not a new one";
    auto deleted = Coap("delete", location);
    EXPECT_TRUE(Says(deleted, "2.02")) << deleted.out << deleted.err;
  }

  TempDir dir_;
  // A port of its own per test process, so parallel test runs do not share it.
  int device_port_ = 20000 + static_cast<int>(::getpid() % 20000);
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(Lwm2mRestartTest, ARegistrationSurvivesAStop) { RegisterRestartUpdate(false); }

TEST_F(Lwm2mRestartTest, ARegistrationSurvivesAKill) { RegisterRestartUpdate(true); }

TEST_F(Lwm2mRestartTest, AnUnknownRegistrationIsStillRefusedAfterARestart) {
  Start();
  const std::string port = CoapPort();
  ASSERT_EQ(server_->Stop(), 0);
  server_.reset();
  Start({"--coap-listen", "127.0.0.1:" + port});
  auto stale = Coap("post", "/rd/neverissued?lt=60");
  EXPECT_TRUE(Says(stale, "4.04")) << stale.out << stale.err;
}

}  // namespace
}  // namespace custos::testing
