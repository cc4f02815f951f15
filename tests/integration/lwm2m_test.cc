// The LwM2M registration interface end to end, with Debian's libcoap client as the device:
// Register (auto-provisioned over plain CoAP), Update, De-register, and bad parameters, each
// seen through the REST API's device model.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http_client.h"
#include "lwm2m_support.h"
#include "server_process.h"

namespace custos::testing {
namespace {

class Lwm2mRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // coap-client-notls POST or DELETE of `path_and_query`, with a link-format payload when
  // `payload` is not empty; -v 6 prints the response's options (Location-Path).
  CommandResult Coap(const std::string& method, const std::string& path_and_query,
                     const std::string& payload = "") {
    std::vector<std::string> argv = {"coap-client-notls", "-B", "5", "-v", "6", "-m", method};
    if (!payload.empty()) argv.insert(argv.end(), {"-t", "40", "-e", payload});
    argv.push_back(server_->coap_url() + path_and_query);
    return RunProgram(argv, {}, std::chrono::seconds(30));
  }

  bool Online(const std::string& name) {
    auto d = DeviceNamed(*admin_, name);
    return d.is_object() && d.at("connectivity").at("online").as_bool();
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(Lwm2mRegistrationTest, RegisterUpdateDeregisterWithLibcoap) {
  auto registered = Coap("post", "/rd?ep=dev1&lt=60&lwm2m=1.1&b=U", "</1>;ver=1.1,</3/0>");
  ASSERT_TRUE(Says(registered, "2.01")) << registered.out << registered.err;
  std::string location = RegistrationLocation(registered);
  ASSERT_FALSE(location.empty()) << registered.out << registered.err;

  // Connectivity reaches the store (and so the REST API) in batches: poll.
  ASSERT_TRUE(WaitUntil([&] { return Online("dev1"); }));
  auto device = DeviceNamed(*admin_, "dev1");
  EXPECT_EQ(device.at("protocol").as_string(), "lwm2m");
  const auto& connectivity = device.at("connectivity");
  EXPECT_EQ(connectivity.at("transport").as_string(), "udp");
  EXPECT_EQ(connectivity.at("lifetime").as_int64(), 60);

  auto updated = Coap("post", location + "?lt=120", "</1>;ver=1.1,</3/0>,</4/0>");
  EXPECT_TRUE(Says(updated, "2.04")) << updated.out << updated.err;
  EXPECT_TRUE(WaitUntil(
      [&] {
        return DeviceNamed(*admin_, "dev1").at("connectivity").at("lifetime").as_int64() == 120;
      }));

  auto deleted = Coap("delete", location);
  EXPECT_TRUE(Says(deleted, "2.02")) << deleted.out << deleted.err;
  EXPECT_TRUE(WaitUntil([&] { return !Online("dev1"); }));

  auto again = Coap("delete", location);
  EXPECT_TRUE(Says(again, "4.04")) << again.out << again.err;
  auto stale_update = Coap("post", location);
  EXPECT_TRUE(Says(stale_update, "4.04")) << stale_update.out << stale_update.err;
}

TEST_F(Lwm2mRegistrationTest, Lwm2m10And12ClientsRegister) {
  EXPECT_TRUE(Says(Coap("post", "/rd?ep=old&b=UQ", "</3/0>"), "2.01"));
  EXPECT_TRUE(
      Says(Coap("post", "/rd?ep=new&lwm2m=1.2", R"(</>;rt="oma.lwm2m";ct=112,</3/0>)"), "2.01"));
  EXPECT_TRUE(WaitUntil([&] { return Online("old") && Online("new"); }));
  EXPECT_TRUE(DeviceNamed(*admin_, "old").at("connectivity").at("queue_mode").as_bool());
}

TEST_F(Lwm2mRegistrationTest, BadParametersAreRefusedWithADiagnostic) {
  auto no_ep = Coap("post", "/rd?lt=60", "</3/0>");
  EXPECT_TRUE(Says(no_ep, "4.00")) << no_ep.out << no_ep.err;
  EXPECT_TRUE(Says(no_ep, "ep:")) << no_ep.out << no_ep.err;
  auto bad_lt = Coap("post", "/rd?ep=a&lt=soon", "</3/0>");
  EXPECT_TRUE(Says(bad_lt, "4.00")) << bad_lt.out << bad_lt.err;
  auto bad_binding = Coap("post", "/rd?ep=a&b=X", "</3/0>");
  EXPECT_TRUE(Says(bad_binding, "4.00")) << bad_binding.out << bad_binding.err;
  auto bad_links = Coap("post", "/rd?ep=a", "</3/0");
  EXPECT_TRUE(Says(bad_links, "4.00")) << bad_links.out << bad_links.err;
  EXPECT_TRUE(Says(bad_links, "link format")) << bad_links.out << bad_links.err;
  auto unknown = Coap("post", "/rd/nosuchid?lt=60");
  EXPECT_TRUE(Says(unknown, "4.04")) << unknown.out << unknown.err;
  EXPECT_TRUE(DeviceNamed(*admin_, "a").is_null());
}

TEST_F(Lwm2mRegistrationTest, DisablingADeviceDropsItsRegistration) {
  ASSERT_TRUE(Says(Coap("post", "/rd?ep=dev2&lt=60", "</3/0>"), "2.01"));
  ASSERT_TRUE(WaitUntil([&] { return Online("dev2"); }));
  std::string id = std::to_string(DeviceNamed(*admin_, "dev2").at("id").as_int64());
  auto disabled = admin_->Post("/api/v1/devices/" + id + "/disable", R"({"reason":"test"})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(WaitUntil([&] { return !Online("dev2"); }));
  auto refused = Coap("post", "/rd?ep=dev2&lt=60", "</3/0>");
  EXPECT_TRUE(Says(refused, "4.03")) << refused.out << refused.err;
}

}  // namespace
}  // namespace custos::testing
