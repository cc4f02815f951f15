// The load generator end to end, over loopback, against the in-process UDP echo.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "coap_bench.h"

namespace custos::coap_bench {
namespace {

using std::chrono::milliseconds;

TEST(LoadEchoTest, EveryEndpointIsAnsweredAtItsOwnAddressAndNothingIsLost) {
  auto echo = UdpEcho::Start(EchoOptions{"127.0.0.1:0", 2});
  ASSERT_TRUE(echo.has_value()) << echo.error().message;
  LoadOptions options;
  options.server = "127.0.0.1:" + std::to_string((*echo)->port());
  options.endpoints = 5000;
  options.sockets = 3;
  options.window = 64;
  options.duration = milliseconds(200);
  options.warm_up_timeout = milliseconds(60'000);
  options.server_pid = getpid();

  const auto report = RunLoad(options);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_TRUE(report->warm_up_complete) << report->error;
  EXPECT_EQ(report->warmed, 5000U);
  EXPECT_GT(report->exchanges, 0U);
  EXPECT_GT(report->requests_per_s, 0.0);
  EXPECT_GT(report->p99_us, 0.0);
  EXPECT_LE(report->p50_us, report->p99_us);
  EXPECT_EQ(report->lost(), 0U);
  EXPECT_EQ(report->unexpected, 0U);
  EXPECT_TRUE(report->replies_echoed);
  EXPECT_EQ(report->reply_bytes, kRequestSize);
  EXPECT_EQ(report->datagrams_received, report->datagrams_sent);
  EXPECT_TRUE(report->rss_before_kib.has_value());
  EXPECT_TRUE(report->rss_after_warm_up_kib.has_value());
  // Each endpoint's request comes back to its own (address, port): the echo saw them all.
  EXPECT_EQ((*echo)->echoed(), report->datagrams_sent);

  const std::string json = ToJson(*report, "echo");
  EXPECT_NE(json.find("\"server\": \"echo\""), std::string::npos);
  EXPECT_NE(json.find("\"endpoints\": 5000"), std::string::npos);
  EXPECT_NE(json.find("\"warm_up_complete\": true"), std::string::npos);
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

TEST(LoadEchoTest, AServerThatNeverAnswersEndsTheWarmUpWithAReason) {
  // A bound socket that nobody reads: datagrams are accepted and never answered.
  const int silent = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t size = sizeof address;
  getsockname(silent, reinterpret_cast<sockaddr*>(&address), &size);

  LoadOptions options;
  options.server = ToString(address);
  options.endpoints = 10;
  options.warm_up_timeout = milliseconds(100);
  options.drain = milliseconds(0);
  const auto report = RunLoad(options);
  close(silent);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_FALSE(report->warm_up_complete);
  EXPECT_EQ(report->warmed, 0U);
  EXPECT_EQ(report->exchanges, 0U);
  EXPECT_EQ(report->unanswered_at_end, 10U);
  EXPECT_NE(report->error.find("0 of 10 endpoints"), std::string::npos) << report->error;
  EXPECT_NE(ToJson(*report, "silent").find("\"warm_up_complete\": false"), std::string::npos);
}

TEST(LoadEchoTest, RefusesMoreEndpointsThanTheSocketsCanName) {
  LoadOptions options;
  options.sockets = 1;
  options.endpoints = EndpointSpace(1).Capacity() + 1;
  const auto report = RunLoad(options);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(LoadEchoTest, RefusesABadServerAddress) {
  LoadOptions options;
  options.server = "localhost:5683";
  const auto report = RunLoad(options);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace custos::coap_bench
