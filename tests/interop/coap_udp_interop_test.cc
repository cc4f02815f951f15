// Our CoAP endpoint against libcoap 4.3 (Debian libcoap3-bin), an independent
// implementation: its coap-client against our server role, and our client role against
// its coap-server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "child_process.h"
#include "coap/transport/endpoint.h"

namespace custos::coap {
namespace {

using custos::testing::BackgroundProcess;
using custos::testing::OnPath;
using custos::testing::RunProcess;
using namespace std::chrono_literals;

constexpr const char* kClientTool = "coap-client-notls";
constexpr const char* kServerTool = "coap-server-notls";

std::string Text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

const char* MethodName(Code code) {
  if (code == codes::kGet) return "GET";
  if (code == codes::kPost) return "POST";
  if (code == codes::kPut) return "PUT";
  if (code == codes::kDelete) return "DELETE";
  return "?";
}

Code SuccessFor(Code method) {
  if (method == codes::kPost) return codes::kCreated;
  if (method == codes::kPut) return codes::kChanged;
  if (method == codes::kDelete) return codes::kDeleted;
  return codes::kContent;
}

// Answers "METHOD /path[ payload]"; /slow is answered from another thread, so it goes as a
// separate response.
void Describe(IncomingRequest request, Responder responder) {
  const Message& message = request.message;
  std::string text = std::string(MethodName(message.code)) + " " + UriPath(message.options);
  if (!message.payload.empty()) text += " " + Text(message.payload);
  Message response;
  response.code = SuccessFor(message.code);
  SetContentFormat(response.options, content_format::kTextPlain);
  response.payload.assign(text.begin(), text.end());
  if (UriPath(message.options) == "/slow") {
    std::thread([responder, response]() mutable {
      responder.Respond(std::move(response));
    }).detach();
    return;
  }
  responder.Respond(std::move(response));
}

class CoapClientAgainstUsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath(kClientTool)) GTEST_SKIP() << kClientTool << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    auto started = Endpoint::Start(options, Describe);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }

  // Runs coap-client with `arguments` before the URI of `path` on our endpoint; its stdout
  // without the newline it ends the payload with.
  std::string Client(std::vector<std::string> arguments, const std::string& path) {
    std::vector<std::string> argv = {kClientTool, "-B", "10"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back("coap://127.0.0.1:" + std::to_string(endpoint_->port()) + path);
    auto output = RunProcess(argv, 20s);
    EXPECT_TRUE(output.started);
    EXPECT_FALSE(output.timed_out);
    EXPECT_EQ(output.exit_code, 0) << output.err;
    if (!output.out.empty() && output.out.back() == '\n') output.out.pop_back();
    return output.out;
  }

  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(CoapClientAgainstUsTest, Get) { EXPECT_EQ(Client({}, "/hello"), "GET /hello"); }

TEST_F(CoapClientAgainstUsTest, PutWithPayload) {
  EXPECT_EQ(Client({"-m", "put", "-e", "on"}, "/3/0/1"), "PUT /3/0/1 on");
}

TEST_F(CoapClientAgainstUsTest, PostWithPayload) {
  EXPECT_EQ(Client({"-m", "post", "-e", "x=1"}, "/rd"), "POST /rd x=1");
}

TEST_F(CoapClientAgainstUsTest, Delete) {
  EXPECT_EQ(Client({"-m", "delete"}, "/rd/5"), "DELETE /rd/5");
}

TEST_F(CoapClientAgainstUsTest, NonConfirmableGet) {
  EXPECT_EQ(Client({"-N"}, "/non"), "GET /non");
}

TEST_F(CoapClientAgainstUsTest, SeparateResponse) {
  EXPECT_EQ(Client({}, "/slow"), "GET /slow");
  EXPECT_EQ(endpoint_->stats().transmit_timeouts, 0u);
  EXPECT_EQ(endpoint_->stats().malformed_dropped, 0u);
}

// A UDP port that was free a moment ago.
std::uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class UsAgainstCoapServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath(kServerTool)) GTEST_SKIP() << kServerTool << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    // Short timeouts while polling for the server to come up.
    options.transmission.ack_timeout = 100ms;
    options.transmission.max_retransmit = 2;
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);

    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      port_ = FreePort();
      auto server = std::make_unique<BackgroundProcess>(
          std::vector<std::string>{kServerTool, "-A", "127.0.0.1", "-p", std::to_string(port_)});
      ASSERT_TRUE(server->started());
      if (WaitForServer(*server)) server_ = std::move(server);
    }
    ASSERT_TRUE(server_) << kServerTool << " did not answer";
  }

  core::Result<Message> Get(std::string_view path, bool confirmable = true) {
    Message request;
    request.code = codes::kGet;
    const auto query = path.find('?');
    SetUriPath(request.options, path.substr(0, query));
    if (query != std::string_view::npos) SetUriQuery(request.options, path.substr(query + 1));
    RequestOptions options;
    options.confirmable = confirmable;
    options.response_timeout = 5s;
    auto promise = std::make_shared<std::promise<core::Result<Message>>>();
    auto future = promise->get_future();
    endpoint_->Request(Peer::V4({127, 0, 0, 1}, port_), std::move(request), options,
                       [promise](core::Result<Message> result) { promise->set_value(result); });
    if (future.wait_for(20s) != std::future_status::ready) {
      return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
    }
    return future.get();
  }

  // Polls with GET / until the server answers (it needs a moment to bind).
  bool WaitForServer(BackgroundProcess& server) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!server.running()) return false;  // say, the port was taken meanwhile
      if (Get("/")) return true;
    }
    return false;
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<BackgroundProcess> server_;
  std::uint16_t port_ = 0;
};

TEST_F(UsAgainstCoapServerTest, GetRoot) {
  auto response = Get("/");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_NE(Text(response->payload).find("libcoap"), std::string::npos);
}

TEST_F(UsAgainstCoapServerTest, GetTime) {
  auto response = Get("/time");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_FALSE(response->payload.empty());
}

TEST_F(UsAgainstCoapServerTest, NonConfirmableGetTime) {
  auto response = Get("/time", false);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_FALSE(response->payload.empty());
}

TEST_F(UsAgainstCoapServerTest, SeparateResponseFromAsync) {
  // libcoap's /async?N acknowledges at once and answers N seconds later.
  auto response = Get("/async?1");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(Text(response->payload), "done");
}

TEST_F(UsAgainstCoapServerTest, NotFound) {
  auto response = Get("/no/such/resource");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kNotFound);
}

}  // namespace
}  // namespace custos::coap
