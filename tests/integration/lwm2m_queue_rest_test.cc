// Queue mode through the REST API: the real server, the project's LwM2M client in queue mode
// as the device. A request for the sleeping device answers 202 with a queued operation; the
// device wakes with an Update and the operation ends with its answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http_client.h"
#include "lwm2m/client/client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class Lwm2mQueueRestTest : public ::testing::Test {
 protected:
  // The server takes a queue-mode device as awake for 1 s after it talks, and gives up on a
  // request after 1 s, so that the tests reach "asleep" quickly.
  void StartServer(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(),
                 {"--lwm2m-queue-awake-s", "1", "--lwm2m-request-timeout-s", "1"});
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(extra));
    ASSERT_FALSE(server_->url().empty()) << server_->Output();
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // Starts and registers a queue-mode client that stays awake 3 s after each Register or
  // Update (longer than the server reckons, so that whatever the server sends on a contact
  // finds it listening); returns the device id.
  std::int64_t RegisterSleepyClient(const std::string& name) {
    lwm2m::client::ClientOptions options;
    options.endpoint_name = name;
    options.battery_step = std::chrono::milliseconds(0);
    options.queue_mode = true;
    options.queue_awake = std::chrono::seconds(3);
    auto client = lwm2m::client::Client::Start(options, server_->coap_url());
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return 0;
    client_ = std::move(*client);
    auto registered = client_->Register();
    EXPECT_TRUE(registered) << (registered ? "" : registered.error().message);
    auto found = admin_->Get("/api/v1/devices?filter=name%20%3D%20%22" + name + "%22");
    EXPECT_EQ(found.status, 200) << found.body;
    const auto& devices = found.Json().at("devices").as_array();
    EXPECT_EQ(devices.size(), 1u);
    return devices.empty() ? 0 : devices[0].at("id").as_int64();
  }

  // Sends `method target` until the server takes the device as asleep and answers 202 (while
  // it is awake the request goes out at once: 200 from the device, or 504 once the client
  // sleeps before the server reckons so).
  HttpResponse UntilQueued(const std::string& method, const std::string& target,
                           const std::string& body = "") {
    HttpResponse r;
    EXPECT_TRUE(WaitUntil(
        [&] {
          r = admin_->Request(method, target, body, {{"Content-Type", "application/json"}});
          return r.status != 200 && r.status != 204 && r.status != 504;
        },
        std::chrono::seconds(60)))
        << r.status << " " << r.body;
    return r;
  }

  std::string StateOf(std::int64_t op) {
    auto r = admin_->Get("/api/v1/operations/" + std::to_string(op));
    if (r.status != 200 || !r.Json().is_object()) return "";
    last_ = r.Json();
    return std::string(last_.at("state").as_string());
  }

  std::string Lwm2mPath(std::int64_t device, const std::string& path) {
    return "/api/v1/devices/" + std::to_string(device) + "/lwm2m" + path;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<lwm2m::client::Client> client_;
  json::value last_;
};

TEST_F(Lwm2mQueueRestTest, AReadForASleepingDeviceIsQueuedAndSucceedsWhenItWakes) {
  StartServer();
  const auto id = RegisterSleepyClient("sleepy-read");
  ASSERT_GT(id, 0);
  SseStream events(server_->host(), server_->port(), "/api/v1/events?type=operation.*",
                   kAdminToken);
  ASSERT_EQ(events.status(), 200);

  auto queued = UntilQueued("GET", Lwm2mPath(id, "/3/0/0"));
  ASSERT_EQ(queued.status, 202) << queued.body;
  EXPECT_TRUE(queued.Json().at("queued").as_bool()) << queued.body;
  const auto& op = queued.Json().at("operation");
  const std::int64_t op_id = op.at("id").as_int64();
  EXPECT_EQ(queued.headers["location"], "/api/v1/operations/" + std::to_string(op_id));
  EXPECT_EQ(op.at("kind").as_string(), "read") << queued.body;
  EXPECT_EQ(op.at("device_id").as_int64(), id) << queued.body;
  EXPECT_EQ(op.at("parameters").at("path").as_string(), "/3/0/0") << queued.body;
  EXPECT_EQ(op.at("state").as_string(), "waiting") << queued.body;
  EXPECT_EQ(op.at("waiting_for").as_string(), "offline") << queued.body;
  EXPECT_FALSE(op.at("deadline").is_null()) << queued.body;

  ASSERT_TRUE(client_->Wake());
  ASSERT_TRUE(WaitUntil([&] { return StateOf(op_id) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_);
  EXPECT_EQ(last_.at("result").at("value").at("value").as_string(), "Custos")
      << json::serialize(last_);

  bool succeeded = false;
  while (auto e = events.Next(std::chrono::seconds(20))) {
    auto data = json::parse(e->data).at("data");
    if (data.at("id").as_int64() != op_id) continue;
    if (e->type == "operation.updated" && data.at("state").as_string() == "succeeded") {
      succeeded = true;
      break;
    }
  }
  EXPECT_TRUE(succeeded);
}

TEST_F(Lwm2mQueueRestTest, AWriteAndADiscoverAreQueuedAndAnsweredInOrderWhenItWakes) {
  StartServer();
  const auto id = RegisterSleepyClient("sleepy-write");
  ASSERT_GT(id, 0);
  auto write = UntilQueued("PUT", Lwm2mPath(id, "/3/0/14"), R"("+02:00")");
  ASSERT_EQ(write.status, 202) << write.body;
  const auto& write_op = write.Json().at("operation");
  EXPECT_EQ(write_op.at("kind").as_string(), "write") << write.body;
  EXPECT_EQ(write_op.at("parameters").at("value").as_string(), "+02:00") << write.body;
  auto discover = admin_->Get(Lwm2mPath(id, "/3?discover"));
  ASSERT_EQ(discover.status, 202) << discover.body;
  const auto& discover_op = discover.Json().at("operation");
  EXPECT_EQ(discover_op.at("kind").as_string(), "custom") << discover.body;
  EXPECT_EQ(discover_op.at("parameters").at("lwm2m").at("operation").as_string(), "discover")
      << discover.body;

  ASSERT_TRUE(client_->Wake());
  const std::int64_t write_id = write_op.at("id").as_int64();
  const std::int64_t discover_id = discover_op.at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return StateOf(write_id) == "succeeded"; },
                        std::chrono::seconds(60)))
      << json::serialize(last_);
  ASSERT_TRUE(WaitUntil([&] { return StateOf(discover_id) == "succeeded"; },
                        std::chrono::seconds(60)))
      << json::serialize(last_);
  EXPECT_TRUE(last_.at("result").at("value").at("links").is_array()) << json::serialize(last_);
  auto offset = client_->GetValue(*lwm2m::ParsePath("/3/0/14"));
  ASSERT_TRUE(offset);
  EXPECT_EQ(std::get<std::string>(*offset), "+02:00");
}

TEST_F(Lwm2mQueueRestTest, QueueFalseSendsAtOnceAndObserveIsRefusedWhileAsleep) {
  StartServer();
  const auto id = RegisterSleepyClient("sleepy-now");
  ASSERT_GT(id, 0);
  auto queued = UntilQueued("GET", Lwm2mPath(id, "/3/0/9"));
  ASSERT_EQ(queued.status, 202) << queued.body;
  // The client stays awake longer than the server reckons: wait until it really sleeps.
  ASSERT_TRUE(WaitUntil([&] { return client_->sleeping(); }, std::chrono::seconds(30)));

  auto now = admin_->Get(Lwm2mPath(id, "/3/0/9?queue=false"));
  EXPECT_EQ(now.status, 504) << now.body;
  auto observe = admin_->Post(Lwm2mPath(id, "/observations"), R"({"paths":["/3/0/9"]})");
  EXPECT_EQ(observe.status, 409) << observe.body;
  EXPECT_EQ(observe.Json().at("error").at("code").as_string(), "not_queueable") << observe.body;
  auto list = admin_->Get(Lwm2mPath(id, "/observations"));
  EXPECT_EQ(list.status, 200) << list.body;
  auto bad = admin_->Get(Lwm2mPath(id, "/3/0/9?timeout=0"));
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(Lwm2mQueueRestTest, ADeviceWithAFullQueueIsAnswered429) {
  StartServer({"--lwm2m-queue-max-per-device", "2"});
  const auto id = RegisterSleepyClient("sleepy-full");
  ASSERT_GT(id, 0);
  auto first = UntilQueued("GET", Lwm2mPath(id, "/3/0/0?timeout=600"));
  ASSERT_EQ(first.status, 202) << first.body;
  auto second = admin_->Get(Lwm2mPath(id, "/3/0/1"));
  ASSERT_EQ(second.status, 202) << second.body;
  auto third = admin_->Get(Lwm2mPath(id, "/3/0/2"));
  ASSERT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(third.Json().at("error").at("code").as_string(), "queue_full") << third.body;

  // Cancelling one makes room again.
  const auto first_id = first.Json().at("operation").at("id").as_int64();
  auto cancelled = admin_->Post("/api/v1/operations/" + std::to_string(first_id) + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  auto again = admin_->Get(Lwm2mPath(id, "/3/0/2"));
  EXPECT_EQ(again.status, 202) << again.body;
}

TEST_F(Lwm2mQueueRestTest, AQueuedRequestSurvivesARestartOfTheServer) {
  StartServer();
  const auto id = RegisterSleepyClient("sleepy-restart");
  ASSERT_GT(id, 0);
  auto queued = UntilQueued("GET", Lwm2mPath(id, "/3/0/1"));
  ASSERT_EQ(queued.status, 202) << queued.body;
  const std::int64_t op_id = queued.Json().at("operation").at("id").as_int64();

  const std::string coap_url = server_->coap_url();
  const std::string port = coap_url.substr(coap_url.rfind(':') + 1);
  ASSERT_EQ(server_->Stop(), 0) << server_->Output();
  server_.reset();
  StartServer({"--coap-listen", "127.0.0.1:" + port});
  ASSERT_EQ(server_->coap_url(), coap_url);
  EXPECT_EQ(StateOf(op_id), "waiting") << json::serialize(last_);

  ASSERT_TRUE(client_->Wake());
  ASSERT_TRUE(WaitUntil([&] { return StateOf(op_id) == "succeeded"; }, std::chrono::seconds(60)))
      << json::serialize(last_) << server_->Output();
  EXPECT_EQ(last_.at("result").at("value").at("value").as_string(), "custos-test-device")
      << json::serialize(last_);
}

}  // namespace
}  // namespace custos::testing
