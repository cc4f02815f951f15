// LwM2M observations across a restart of the real server: the project's LwM2M client registers
// and the operator observes /3/0/9 through the REST API; the server stops (SIGTERM) or dies
// (SIGKILL right after the observation was answered), starts again on the same ports and data
// directory, and the device's next notification (a battery change, from the same address)
// reaches the event stream as lwm2m.notification and GET .../lwm2m/observations, without a new
// Register.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <charconv>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

std::int64_t Number(std::string_view id) {  // "o12" -> 12
  std::int64_t n = 0;
  std::from_chars(id.data() + 1, id.data() + id.size(), n);
  return n;
}

class Lwm2mObserveRestartTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(extra));
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  std::string Lw(const std::string& path) const {
    return "/api/v1/devices/" + std::to_string(device_id_) + "/lwm2m" + path;
  }

  // The observation `id` as GET .../lwm2m/observations lists it, or null.
  json::value Listed(const std::string& id) {
    auto listed = admin_->Get(Lw("/observations"));
    if (listed.status != 200) return nullptr;
    for (const auto& o : listed.Json().at("observations").as_array()) {
      if (o.at("id") == id.c_str()) return o;
    }
    return nullptr;
  }

  void ObserveRestartNotify(bool kill) {
    Start();
    lwm2m::client::ClientOptions options;
    options.endpoint_name = kill ? "observed-killed" : "observed-stopped";
    options.battery_step = std::chrono::milliseconds(0);  // the test moves the battery
    auto client = lwm2m::client::Client::Start(options, server_->coap_url());
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::move(*client);
    auto registered = client_->Register();
    ASSERT_TRUE(registered) << registered.error().message;
    auto found = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + options.endpoint_name +
                             "%22");
    ASSERT_EQ(found.status, 200) << found.body;
    device_id_ = found.Json().at("devices").as_array().at(0).at("id").as_int64();

    auto observed = admin_->Post(Lw("/observations"), R"({"paths":["/3/0/9"]})");
    ASSERT_EQ(observed.status, 201) << observed.body;
    const std::string id(observed.Json().at("id").as_string());
    const std::string port = server_->coap_url().substr(server_->coap_url().rfind(':') + 1);
    if (kill) {
      server_->Kill();  // answered means written: no clean stop needed
    } else {
      ASSERT_EQ(server_->Stop(), 0) << server_->Output();
    }
    server_.reset();
    Start({"--coap-listen", "127.0.0.1:" + port});

    // Back under the same id, before the device says anything.
    ASSERT_TRUE(WaitUntil([&] { return !Listed(id).is_null(); })) << server_->Output();
    SseStream events(server_->host(), server_->port(),
                     "/api/v1/events?type=lwm2m.notification&device=" + std::to_string(device_id_),
                     kAdminToken);
    ASSERT_EQ(events.status(), 200);
    ASSERT_TRUE(client_->SetValue(lwm2m::Path::Resource(3, 0, 9), std::int64_t{42}));
    std::optional<SseStream::Event> event;
    for (int i = 0; i < 5 && !event; ++i) {
      auto next = events.Next();
      if (!next) break;
      auto data = json::parse(next->data).at("data");
      if (data.at("observation") == id.c_str() && data.at("value").at("value") == 42) {
        event = next;
      }
    }
    ASSERT_TRUE(event) << server_->Output();
    EXPECT_TRUE(WaitUntil([&] {
      json::value o = Listed(id);
      return o.is_object() && o.at("value").at("value") == 42;
    }));
    EXPECT_EQ(client_->registrations(), 1) << "no new Register";
    EXPECT_GE(client_->observations(), 1u) << "the device still has the observation";

    // A new observation is numbered above every one made before the restart.
    auto again = admin_->Post(Lw("/observations"), R"({"paths":["/3/0/11"]})");
    ASSERT_EQ(again.status, 201) << again.body;
    const std::string again_id(again.Json().at("id").as_string());
    EXPECT_GT(Number(again_id), Number(id));
    // Cancelling it for good: gone from the list, and after another restart too.
    auto cancelled = admin_->Delete(Lw("/observations/" + id));
    EXPECT_EQ(cancelled.status, 200) << cancelled.body;
    ASSERT_EQ(server_->Stop(), 0) << server_->Output();
    server_.reset();
    Start({"--coap-listen", "127.0.0.1:" + port});
    EXPECT_TRUE(WaitUntil([&] { return !Listed(again_id).is_null(); }));
    EXPECT_TRUE(Listed(id).is_null());
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<lwm2m::client::Client> client_;
  std::int64_t device_id_ = 0;
};

TEST_F(Lwm2mObserveRestartTest, AnObservationSurvivesAStop) { ObserveRestartNotify(false); }

TEST_F(Lwm2mObserveRestartTest, AnObservationSurvivesAKill) { ObserveRestartNotify(true); }

}  // namespace
}  // namespace custos::testing
