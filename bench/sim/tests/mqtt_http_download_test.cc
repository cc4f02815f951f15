// The firmware download's HTTP client against a one-shot local server.
#include "mqtt_http_download.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace custos::sim {
namespace {

// Accepts one connection, keeps the request's head, answers `response` and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 1);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // What the client sent; waits for the server to finish.
  const std::string& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void Serve() {
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    char buffer[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request_.append(buffer, static_cast<std::size_t>(n));
    }
    ::send(client, response_.data(), response_.size(), MSG_NOSIGNAL);
    ::close(client);
  }

  std::string response_;
  std::string request_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

HttpDownload::Status Drive(HttpDownload& download) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  HttpDownload::Status status = HttpDownload::Status::kRunning;
  while (status == HttpDownload::Status::kRunning && std::chrono::steady_clock::now() < deadline) {
    pollfd p{download.fd(), static_cast<short>(POLLIN | (download.wants_write() ? POLLOUT : 0)), 0};
    ::poll(&p, 1, 100);
    status = download.OnReady();
  }
  return status;
}

in_addr Loopback() {
  in_addr address{};
  address.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

TEST(MqttHttpDownloadTest, ParsesPlainHttpUrls) {
  auto url = ParseHttpUrl("http://127.0.0.1:8080/api/v1/firmware/7/content");
  ASSERT_TRUE(url);
  EXPECT_EQ(ntohs(url->address.sin_port), 8080);
  EXPECT_EQ(url->host, "127.0.0.1:8080");
  EXPECT_EQ(url->target, "/api/v1/firmware/7/content");
  auto bare = ParseHttpUrl("http://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(ntohs(bare->address.sin_port), 80);
  EXPECT_EQ(bare->target, "/");
  EXPECT_FALSE(ParseHttpUrl("https://127.0.0.1/f"));
  EXPECT_FALSE(ParseHttpUrl("coap://127.0.0.1:5683/fw/7"));
  EXPECT_FALSE(ParseHttpUrl("http://fw.example.com/f"));
  EXPECT_FALSE(ParseHttpUrl("http://127.0.0.1:99999/f"));
}

TEST(MqttHttpDownloadTest, HashesTheBodyAndSendsTheToken) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Other: y\r\n\r\nabc");
  auto url = ParseHttpUrl(server.url("/fw/1"));
  ASSERT_TRUE(url);
  auto download = HttpDownload::Start(*url, "cst_token", Loopback());
  ASSERT_TRUE(download) << download.error().message;
  ASSERT_EQ(Drive(**download), HttpDownload::Status::kDone) << (*download)->error();
  EXPECT_EQ((*download)->body_bytes(), 3u);
  EXPECT_EQ((*download)->sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  download->reset();
  EXPECT_NE(server.request().find("GET /fw/1 HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("Authorization: Bearer cst_token\r\n"), std::string::npos);
}

TEST(MqttHttpDownloadTest, BodyWithoutLengthEndsWithTheConnection) {
  OneShotServer server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc");
  auto download = HttpDownload::Start(*ParseHttpUrl(server.url("/")), "", Loopback());
  ASSERT_TRUE(download);
  ASSERT_EQ(Drive(**download), HttpDownload::Status::kDone) << (*download)->error();
  EXPECT_EQ((*download)->body_bytes(), 3u);
}

TEST(MqttHttpDownloadTest, StatusOtherThan200Fails) {
  OneShotServer server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  auto download = HttpDownload::Start(*ParseHttpUrl(server.url("/")), "", Loopback());
  ASSERT_TRUE(download);
  EXPECT_EQ(Drive(**download), HttpDownload::Status::kFailed);
  EXPECT_EQ((*download)->error(), "http: status 404");
}

TEST(MqttHttpDownloadTest, BodyCutShortFails) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  auto download = HttpDownload::Start(*ParseHttpUrl(server.url("/")), "", Loopback());
  ASSERT_TRUE(download);
  EXPECT_EQ(Drive(**download), HttpDownload::Status::kFailed);
  EXPECT_NE((*download)->error().find("cut short"), std::string::npos);
}

TEST(MqttHttpDownloadTest, ChunkedBodyIsRefused) {
  OneShotServer server(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  auto download = HttpDownload::Start(*ParseHttpUrl(server.url("/")), "", Loopback());
  ASSERT_TRUE(download);
  EXPECT_EQ(Drive(**download), HttpDownload::Status::kFailed);
  EXPECT_NE((*download)->error().find("chunked"), std::string::npos);
}

TEST(MqttHttpDownloadTest, RefusedConnectionFails) {
  HttpUrl url = *ParseHttpUrl("http://127.0.0.1:1/");
  auto download = HttpDownload::Start(url, "", Loopback());
  if (!download) return;  // refused at once: also a failure, reported by Start
  EXPECT_EQ(Drive(**download), HttpDownload::Status::kFailed);
}

}  // namespace
}  // namespace custos::sim
