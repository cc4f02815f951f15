// The server over real sockets: slow clients, a large streamed import, event streams.
#include <thread>

#include "api/http_server.h"
#include "api_fixture.h"
#include "test_client.h"

namespace custos::api {
namespace {

class SlowClientTest : public ApiFixture {};

TEST_F(SlowClientTest, AHeaderThatNeverEndsIsCutOff) {
  HttpOptions options;
  options.port = 0;
  options.header_timeout_ms = 200;
  auto server = HttpServer::Start(options, services());
  ASSERT_TRUE(server) << server.error().message;
  testing::Client c((*server)->port());
  c.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // and nothing more
  EXPECT_TRUE(c.ClosedByServer());
  testing::Client next((*server)->port());
  EXPECT_EQ(next.Send("GET", "/healthz").status, 200);
}

class LargeImportTest : public ApiFixture {};

// 100,000 rows in a chunked body, far beyond max_body_bytes: stored in batches as they arrive.
TEST_F(LargeImportTest, HundredThousandRowsStreamInBatches) {
  HttpOptions options;
  options.port = 0;
  options.max_body_bytes = 4096;
  auto server = HttpServer::Start(options, services());
  ASSERT_TRUE(server) << server.error().message;
  testing::Client c((*server)->port());
  c.WriteRaw("POST /api/v1/devices/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
             operator_ + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n");
  auto send_chunk = [&](const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    c.WriteRaw(size + data + "\r\n");
  };
  send_chunk("name,model,label.region\n");
  constexpr int kRows = 100'000;
  std::string piece;
  for (int i = 0; i < kRows; ++i) {
    piece +=
        "h-" + std::to_string(i) + ",TH-" + std::to_string(i % 7) + (i % 2 ? ",eu\n" : ",us\n");
    if (piece.size() > 60'000) {
      send_chunk(piece);
      piece.clear();
    }
  }
  send_chunk(piece);
  c.WriteRaw("0\r\n\r\n");
  testing::Reply r = c.Read();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("total").as_int64(), kRows);
  EXPECT_EQ(r.Json().at("created").as_int64(), kRows);
  EXPECT_EQ(*registry_->CountDevices("labels.region = \"eu\""), kRows / 2);
}

}  // namespace
}  // namespace custos::api

namespace custos::api {
namespace {

class EventStreamTest : public ApiFixture {
 protected:
  std::unique_ptr<HttpServer> Start(int keepalive_ms) {
    HttpOptions options;
    options.port = 0;
    options.sse_keepalive_ms = keepalive_ms;
    auto server = HttpServer::Start(options, services());
    EXPECT_TRUE(server) << server.error().message;
    return server ? std::move(*server) : nullptr;
  }
};

TEST_F(EventStreamTest, IdleStreamsGetKeepAliveComments) {
  auto server = Start(50);
  ASSERT_TRUE(server);
  testing::Client stream(server->port());
  stream.WriteRaw("GET /api/v1/events?access_token=" + viewer_ + " HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string seen = stream.ReadUntil(": keep-alive\n\n");
  EXPECT_NE(seen.find(": keep-alive\n\n"), std::string::npos) << seen;
}

TEST_F(EventStreamTest, DeviceFilterPassesOnlyThatDevice) {
  auto server = Start(60'000);
  ASSERT_TRUE(server);
  auto a = CreateDevice("f-a");
  auto b = CreateDevice("f-b");
  testing::Client stream(server->port());
  stream.WriteRaw("GET /api/v1/events?device=" + std::to_string(b) +
                  "&type=device.disabled HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + viewer_ +
                  "\r\n\r\n");
  ASSERT_TRUE(stream.ReadUntil("\r\n\r\n").starts_with("HTTP/1.1 200"));
  Admin("POST", "/api/v1/devices/" + std::to_string(a) + "/disable");
  Admin("POST", "/api/v1/devices/" + std::to_string(b) + "/disable");
  std::string seen = stream.ReadUntil("event: device.disabled");
  EXPECT_NE(seen.find("\"device_id\":" + std::to_string(b)), std::string::npos) << seen;
  EXPECT_EQ(seen.find("\"device_id\":" + std::to_string(a)), std::string::npos) << seen;
}

TEST_F(EventStreamTest, AClientThatLeavesEndsItsSubscription) {
  auto server = Start(60'000);
  ASSERT_TRUE(server);
  {
    testing::Client stream(server->port());
    stream.WriteRaw("GET /api/v1/events?access_token=" + viewer_ + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(stream.ReadUntil("\r\n\r\n").starts_with("HTTP/1.1 200"));
    EXPECT_EQ(events_->SubscriberCount(), 1u);
  }
  // Noticed through the socket, not at the next keep-alive a minute later.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (events_->SubscriberCount() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(events_->SubscriberCount(), 0u);
}

}  // namespace
}  // namespace custos::api
