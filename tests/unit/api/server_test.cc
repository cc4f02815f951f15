// The server over real sockets on port 0, with a Beast client.
#include <thread>

#include "api/http_server.h"
#include "api_fixture.h"
#include "test_client.h"

namespace custos::api {
namespace {

using testing::Client;
using testing::Reply;

class ServerTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    HttpOptions options;
    options.port = 0;
    options.max_body_bytes = 4096;
    options.worker_threads = 4;
    options.sse_keepalive_ms = 60'000;
    auto server = HttpServer::Start(options, services());
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    port_ = server_->port();
  }
  void TearDown() override {
    server_.reset();
    ApiFixture::TearDown();
  }

  Reply As(const std::string& secret, const std::string& method, const std::string& target,
           const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    Client c(port_);
    headers["Authorization"] = "Bearer " + secret;
    return c.Send(method, target, body, std::move(headers));
  }

  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ServerTest, ErrorStatusesOverTheWire) {
  Client c(port_);
  Reply none = c.Send("GET", "/api/v1/devices");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.Code(), "unauthenticated");
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(As(viewer_, "POST", "/api/v1/devices", R"({"name":"v"})").status, 403);
  EXPECT_EQ(As(admin_, "GET", "/api/v1/nothing").status, 404);
  Reply put = As(admin_, "PUT", "/api/v1/devices");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.headers["allow"], "GET, POST");
  Reply malformed = As(admin_, "POST", "/api/v1/devices", R"({"name":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(malformed.Json().at("error").as_object().contains("position"));
  EXPECT_EQ(As(admin_, "GET", "/api/v1/devices?cursor=%%%").status, 400);
}

TEST_F(ServerTest, BodyOverTheLimitIs413WithoutReadingTheRest) {
  Client c(port_);
  // Announce far more than the limit and send only the start: the answer must not wait.
  c.WriteRaw("POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
             "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"name\":");
  Reply r = c.Read();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Code(), "payload_too_large");
  EXPECT_FALSE(r.keep_alive);
}

TEST_F(ServerTest, AClientThatSendsAHugeBodyAnywayStillGets413) {
  Client c(port_);
  std::string huge = R"({"name":"big","metadata":{"x":")" + std::string(2 << 20, 'a') + "\"}}";
  Reply r = c.Send("POST", "/api/v1/devices", huge, {{"Authorization", "Bearer " + admin_}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Code(), "payload_too_large");
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  Client c(port_);
  std::string big(5000, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", big.size());
  c.WriteRaw("POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
             "\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + big + "\r\n0\r\n\r\n");
  EXPECT_EQ(c.Read().status, 413);
}

TEST_F(ServerTest, DeviceLifecycleOverTheWire) {
  Reply created = As(operator_, "POST", "/api/v1/devices",
                     R"({"name":"w-1","protocol":"mqtt","labels":{"site":"a"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = std::to_string(created.Json().at("id").as_int64());
  EXPECT_EQ(created.headers["location"], "/api/v1/devices/" + id);
  EXPECT_EQ(As(viewer_, "GET", "/api/v1/devices/" + id).Json().at("name").as_string(), "w-1");
  Reply list = As(viewer_, "GET", "/api/v1/devices?filter=labels.site%20%3D%20%22a%22&count=true");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("total").as_int64(), 1);
  Reply patched =
      As(operator_, "PATCH", "/api/v1/devices/" + id, R"({"model":"M2"})", {{"If-Match", "\"1\""}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.headers["etag"], "\"2\"");
  EXPECT_EQ(
      As(operator_, "POST", "/api/v1/devices/" + id + "/disable").Json().at("state").as_string(),
      "disabled");
  EXPECT_EQ(As(operator_, "POST", "/api/v1/devices/" + id + "/enable", "{}").status, 200);
  EXPECT_EQ(
      As(operator_, "POST", "/api/v1/devices/" + id + "/retire").Json().at("state").as_string(),
      "retired");
  Reply del = As(operator_, "DELETE", "/api/v1/devices/" + id);
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(As(viewer_, "GET", "/api/v1/devices/" + id).status, 404);
}

TEST_F(ServerTest, KeepAliveAndPipelining) {
  Client c(port_);
  Reply first = c.Send("GET", "/healthz");
  EXPECT_EQ(first.status, 200);
  EXPECT_TRUE(first.keep_alive);
  EXPECT_EQ(c.Send("GET", "/healthz").status, 200) << "the connection is reused";
  // Two requests in one write: two answers, in order.
  c.WriteRaw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
  EXPECT_EQ(c.Read().status, 404);
}

TEST_F(ServerTest, Http10ClosesAfterTheAnswer) {
  Client c(port_);
  Reply r = c.Send("GET", "/healthz", "", {}, 10);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(ServerTest, GarbageGets400AndTheServerCarriesOn) {
  {
    Client c(port_);
    c.WriteRaw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 23));
    Reply r = c.Read();
    EXPECT_EQ(r.status, 400);
  }
  {
    Client c(port_);
    c.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
               "\r\n\r\n");
    EXPECT_EQ(c.Read().status, 400);
  }
  {
    Client c(port_);
    std::string noise;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) & 0xff);
    c.WriteRaw(noise);
    c.ClosedByServer();
  }
  Client c(port_);
  EXPECT_EQ(c.Send("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimAnswer) {
  Client c(port_);
  const std::string body = R"({"name":"cont-1"})";
  c.WriteRaw("POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
             "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n");
  std::string interim = c.ReadUntil("\r\n\r\n");
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue")) << interim;
  c.WriteRaw(body);
  EXPECT_EQ(c.Read().status, 201);
}

TEST_F(ServerTest, ImportsJsonNdjsonAndCsvWithABadRow) {
  struct Case {
    const char* type;
    std::string body;
  };
  const Case cases[] = {
      {"application/json", R"([{"name":"ij-1"},{"name":"bad name!"},{"name":"ij-3"}])"},
      {"application/x-ndjson",
       "{\"name\":\"in-1\"}\n{\"name\":\"bad name!\"}\n{\"name\":\"in-3\"}\n"},
      {"text/csv; charset=utf-8", "name,model\nic-1,M\nbad name!,M\nic-3,M\n"},
  };
  for (const Case& c : cases) {
    Reply r = As(operator_, "POST", "/api/v1/devices/import", c.body, {{"Content-Type", c.type}});
    ASSERT_EQ(r.status, 200) << c.type << ": " << r.body;
    auto report = r.Json();
    EXPECT_EQ(report.at("total").as_int64(), 3) << c.type;
    EXPECT_EQ(report.at("created").as_int64(), 2) << c.type;
    EXPECT_EQ(report.at("rejected").as_int64(), 1) << c.type;
    EXPECT_EQ(report.at("errors").at(0).at("row").as_int64(), 2) << c.type;
  }
  EXPECT_EQ(*registry_->CountDevices(""), 6);
}

TEST_F(ServerTest, ImportBeyondTheBodyLimitStreamsAndKeepsTheConnection) {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "{\"name\":\"big-" + std::to_string(i) + "\"}\n";
  ASSERT_GT(body.size(), 4096u * 10);
  Client c(port_);
  Reply r =
      c.Send("POST", "/api/v1/devices/import?on_conflict=skip", body,
             {{"Authorization", "Bearer " + operator_}, {"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("created").as_int64(), 3000);
  EXPECT_EQ(c.Send("GET", "/healthz").status, 200) << "keep-alive after a streamed body";
}

TEST_F(ServerTest, ImportRefusals) {
  EXPECT_EQ(As(operator_, "POST", "/api/v1/devices/import", "<xml/>",
               {{"Content-Type", "application/xml"}})
                .status,
            415);
  EXPECT_EQ(As(viewer_, "POST", "/api/v1/devices/import", "[]").status, 403);
  EXPECT_EQ(As(operator_, "POST", "/api/v1/devices/import?on_conflict=merge", "[]").status, 400);
  Reply broken = As(operator_, "POST", "/api/v1/devices/import", "name,colour\nx,red\n",
                    {{"Content-Type", "text/csv"}});
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.Code(), "invalid_argument");
}

TEST_F(ServerTest, EventStreamReceivesDeviceCreated) {
  Client stream(port_);
  stream.WriteRaw("GET /api/v1/events?type=device.*&access_token=" + viewer_ +
                  " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
  std::string head = stream.ReadUntil("\r\n\r\n");
  ASSERT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("text/event-stream"), std::string::npos);
  // The subscription exists once the header is out; poll the bus rather than guess.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (events_->SubscriberCount() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(events_->SubscriberCount(), 1u);
  auto id = CreateDevice("sse-1");
  std::string seen = stream.ReadUntil("event: device.created");
  ASSERT_NE(seen.find("event: device.created"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\"device_id\":" + std::to_string(id)), std::string::npos) << seen;
}

TEST_F(ServerTest, EventStreamReplaysFromLastEventId) {
  CreateDevice("r-1");
  CreateDevice("r-2");
  Client stream(port_);
  stream.WriteRaw("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + viewer_ +
                  "\r\nLast-Event-ID: 1\r\n\r\n");
  std::string seen = stream.ReadUntil("id: 2\n");
  EXPECT_NE(seen.find("id: 2\nevent: device.created"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("id: 1\n"), std::string::npos) << seen;
}

TEST_F(ServerTest, EventStreamNeedsAToken) {
  Client c(port_);
  EXPECT_EQ(c.Send("GET", "/api/v1/events").status, 401);
  EXPECT_EQ(As(viewer_, "GET", "/api/v1/events?device=x").status, 400);
}

TEST_F(ServerTest, StopEndsEventStreamsAndIsIdempotent) {
  Client stream(port_);
  stream.WriteRaw("GET /api/v1/events?access_token=" + viewer_ + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(stream.ReadUntil("\r\n\r\n").starts_with("HTTP/1.1 200"));
  Client idle(port_);
  EXPECT_EQ(idle.Send("GET", "/healthz").status, 200);
  server_->Stop();
  EXPECT_TRUE(stream.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_EQ(events_->SubscriberCount(), 0u);
  server_->Stop();
}

TEST_F(ServerTest, MetricsCountRequestsByRouteTemplate) {
  auto id = std::to_string(CreateDevice("m-1"));
  EXPECT_EQ(As(viewer_, "GET", "/api/v1/devices/" + id).status, 200);
  Client c(port_);
  Reply m = c.Send("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_TRUE(m.headers["content-type"].starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(m.body.find("custos_http_requests_total{method=\"GET\",route=\"/api/v1/devices/{id}\","
                        "status=\"200\"} 1\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find("custos_http_request_duration_seconds_bucket{route=\"/api/v1/devices/{id}\""),
      std::string::npos);
  EXPECT_NE(m.body.find("custos_devices{state=\"provisioned\"} 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("custos_devices_online 0\n"), std::string::npos);
  EXPECT_NE(m.body.find("# TYPE custos_store_write_batches_total counter"), std::string::npos);
  EXPECT_NE(m.body.find("custos_events_published_total "), std::string::npos);
  EXPECT_NE(m.body.find("custos_event_subscribers 0\n"), std::string::npos);
}

TEST_F(ServerTest, StopUnregistersTheCallbackGauges) {
  server_->Stop();
  EXPECT_EQ(metrics_.Render().find("custos_devices_online"), std::string::npos);
}

TEST_F(ServerTest, ABusyPortIsUnavailable) {
  HttpOptions options;
  options.port = port_;
  auto second = HttpServer::Start(options, services());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace custos::api
