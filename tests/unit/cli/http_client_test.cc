// The Beast client against a tiny Beast server that runs in the test: requests and answers
// cross a real socket.
#include "cli/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/cli.h"

namespace custos::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Serves one connection at a time on 127.0.0.1:<any port>. The handler fills the response and
// returns true, or returns false to leave the request unanswered until the server stops.
class TestServer {
 public:
  using Handler = std::function<bool(const Request&, Response&)>;

  explicit TestServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }

  ~TestServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    // Wake a blocking accept.
    asio::io_context ioc;
    tcp::socket wake(ioc);
    beast::error_code ignored;
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The last request read, whole (a chunked body arrives de-chunked).
  Request last_request() {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  void Serve() {
    for (;;) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      if (ec) continue;
      beast::flat_buffer buffer;
      http::request_parser<http::string_body> parser;
      parser.body_limit(1ull << 30);
      http::read(socket, buffer, parser, ec);
      if (ec) continue;
      Response response{http::status::ok, 11};
      bool answer = false;
      {
        std::lock_guard lock(mu_);
        last_ = parser.get();
      }
      answer = handler_(parser.get(), response);
      if (!answer) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_; });
        return;
      }
      response.prepare_payload();
      http::write(socket, response, ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  Handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  Request last_;
};

Endpoint Local(std::uint16_t port) {
  auto e = ParseServerUrl("http://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(e);
  return *e;
}

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

CliResult RunCustos(std::vector<std::string> args) {
  std::vector<std::string> storage{"custos"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  std::ostringstream out;
  std::ostringstream err;
  int code = Run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

TEST(HttpClientTest, SendsARequestAndReadsTheAnswer) {
  TestServer server([](const Request& req, Response& res) {
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"method": ")" + std::string(req.method_string()) + R"("})";
    return true;
  });
  auto client = MakeHttpClient(Local(server.port()), {});
  HttpRequest request{"POST", "/api/v1/devices", {{"Authorization", "Bearer cst_x"}}, "{}"};
  auto response = client->Send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->body, R"({"method": "POST"})");

  const Request seen = server.last_request();
  EXPECT_EQ(seen.target(), "/api/v1/devices");
  EXPECT_EQ(seen[http::field::authorization], "Bearer cst_x");
  EXPECT_EQ(seen[http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.body(), "{}");
}

TEST(HttpClientTest, UploadStreamsAChunkedBodyThatArrivesIntact) {
  TestServer server([](const Request& req, Response& res) {
    res.body() = std::to_string(req.body().size());
    return true;
  });
  // Several pieces' worth of bytes, every value of a byte, no repeating period of 64 KiB.
  std::string body;
  body.reserve(3 << 20);
  std::uint32_t x = 12345;
  while (body.size() < (3u << 20) + 77) {
    x = x * 1103515245 + 12345;
    body += static_cast<char>(x >> 24);
  }
  std::istringstream in(body);
  std::size_t reported = 0;
  int pieces = 0;
  auto client = MakeHttpClient(Local(server.port()), {});
  HttpRequest head{"POST", "/api/v1/devices/import", {{"Content-Type", "text/csv"}}, ""};
  auto response = client->Upload(head, in, [&](std::string_view piece) {
    reported += piece.size();
    ++pieces;
  });
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, std::to_string(body.size()));
  EXPECT_EQ(reported, body.size()) << "every byte is reported as sent";
  EXPECT_GT(pieces, 1) << "the body went in pieces, not whole";

  const Request seen = server.last_request();
  EXPECT_TRUE(seen.chunked()) << "Transfer-Encoding: chunked";
  EXPECT_EQ(seen[http::field::content_length], "");
  EXPECT_EQ(seen[http::field::content_type], "text/csv");
  EXPECT_TRUE(seen.body() == body) << "the body arrived byte for byte";
}

TEST(HttpClientTest, UploadOfAnEmptyBodyEndsTheChunkedStream) {
  TestServer server([](const Request& req, Response& res) {
    res.body() = "[" + req.body() + "]";
    return true;
  });
  std::istringstream in("");
  auto client = MakeHttpClient(Local(server.port()), {});
  auto response = client->Upload({"POST", "/x", {}, ""}, in, nullptr);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "[]");
}

TEST(HttpClientTest, StreamHandsOverTheBodyAsItComes) {
  TestServer server([](const Request&, Response& res) {
    res.set(http::field::content_type, "text/event-stream");
    res.body() = "id: 1\ndata: {}\n\n";
    return true;
  });
  auto client = MakeHttpClient(Local(server.port()), {});
  std::string received;
  int calls = 0;
  auto response = client->Stream({"GET", "/api/v1/events", {}, ""}, [&](std::string_view piece) {
    ++calls;
    received += piece;
    return true;
  });
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(received, "id: 1\ndata: {}\n\n");
  EXPECT_GE(calls, 2) << "first an empty piece for the head, then the body";
}

TEST(HttpClientTest, StreamReturnsAnErrorAnswerWhole) {
  TestServer server([](const Request&, Response& res) {
    res.result(http::status::unauthorized);
    res.body() = R"({"error": {"code": "unauthenticated", "message": "no token"}})";
    return true;
  });
  auto client = MakeHttpClient(Local(server.port()), {});
  bool called = false;
  auto response = client->Stream({"GET", "/api/v1/events", {}, ""}, [&](std::string_view) {
    called = true;
    return true;
  });
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_NE(response->body.find("unauthenticated"), std::string::npos);
  EXPECT_FALSE(called);
}

TEST(HttpClientTest, RefusedConnectionIsUnreachable) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor closed(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = closed.local_endpoint().port();
  }
  auto client = MakeHttpClient(Local(port), {});
  auto response = client->Send({"GET", "/healthz", {}, ""});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().exit_code, kExitUnreachable);
  EXPECT_NE(response.error().message.find("cannot reach"), std::string::npos);
}

TEST(HttpClientTest, ASilentServerTimesOut) {
  TestServer server([](const Request&, Response&) { return false; });
  HttpTimeouts timeouts;
  timeouts.request = std::chrono::milliseconds(100);
  auto client = MakeHttpClient(Local(server.port()), timeouts);
  auto response = client->Send({"GET", "/api/v1/devices", {}, ""});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().exit_code, kExitUnreachable);
  EXPECT_NE(response.error().message.find("no answer within"), std::string::npos)
      << response.error().message;
}

// ---- the whole command line over the real client

TEST(HttpClientTest, CliMapsAServerErrorToExitOne) {
  TestServer server([](const Request&, Response& res) {
    res.result(http::status::unprocessable_entity);
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"error": {"code": "failed_precondition", "message": "device 7 is retired"}})";
    return true;
  });
  auto r = RunCustos({"devices", "enable", "7", "--server", server.url()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: failed_precondition: device 7 is retired\n");
  EXPECT_EQ(server.last_request().target(), "/api/v1/devices/7/enable");
}

TEST(HttpClientTest, CliMapsARefusedConnectionToExitThree) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor closed(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = closed.local_endpoint().port();
  }
  auto r = RunCustos({"devices", "list", "--server", "http://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("cannot reach"), std::string::npos) << r.err;
}

TEST(HttpClientTest, CliMapsATimeoutToExitThree) {
  TestServer server([](const Request&, Response&) { return false; });
  auto r = RunCustos({"devices", "list", "--server", server.url(), "--timeout", "0.1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no answer within"), std::string::npos) << r.err;
}

TEST(HttpClientTest, CliImportsAFileThroughAPathPrefix) {
  TestServer server([](const Request& req, Response& res) {
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"total": 2000, "accepted": 2000, "created": 2000, "updated": 0,
                    "skipped": 0, "rejected": 0, "errors": [], "errors_truncated": false})";
    return true;
  });
  const auto path = std::filesystem::temp_directory_path() /
                    ("custos-cli-import-" + std::to_string(::getpid()) + ".ndjson");
  std::string content;
  for (int i = 0; i < 2000; ++i) {
    content += R"({"name": "dev-)" + std::to_string(i) + R"(", "labels": {"i": ")" +
               std::to_string(i) + "\"}}\n";
  }
  std::ofstream(path, std::ios::binary) << content;
  auto r = RunCustos({"devices", "import", path.string(), "--on-conflict", "update", "--server",
                      server.url() + "/custos", "-o", "json"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("created").as_int64(), 2000);
  const Request seen = server.last_request();
  EXPECT_EQ(seen.target(), "/custos/api/v1/devices/import?on_conflict=update");
  EXPECT_EQ(seen[http::field::content_type], "application/x-ndjson");
  EXPECT_TRUE(seen.chunked());
  EXPECT_TRUE(seen.body() == content);
}

}  // namespace
}  // namespace custos::cli
