#include "cli/endpoint.h"

#include <gtest/gtest.h>

namespace custos::cli {
namespace {

TEST(EndpointTest, ParsesHostPortAndPrefix) {
  auto e = ParseServerUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8080);
  EXPECT_EQ(e->base_path, "");
  EXPECT_EQ(e->HostHeader(), "127.0.0.1:8080");

  auto prefixed = ParseServerUrl("http://fleet.example/custos/");
  ASSERT_TRUE(prefixed) << prefixed.error().message;
  EXPECT_EQ(prefixed->port, 80);
  EXPECT_EQ(prefixed->base_path, "/custos");
  EXPECT_EQ(prefixed->HostHeader(), "fleet.example");
  EXPECT_EQ(prefixed->ToString(), "http://fleet.example/custos");
}

TEST(EndpointTest, HostAndPortAloneMeanHttp) {
  auto e = ParseServerUrl("localhost:9000");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->host, "localhost");
  EXPECT_EQ(e->port, 9000);
}

TEST(EndpointTest, Ipv6AddressesKeepBracketsOnlyInTheHostHeader) {
  auto e = ParseServerUrl("http://[::1]:8080");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->HostHeader(), "[::1]:8080");
}

TEST(EndpointTest, RejectsWhatTheClientCannotDo) {
  for (const char* url : {"https://127.0.0.1:8443", "ftp://x", "http://user@x:1", "http://x/?a=b",
                          "http://x/#f", "http://:80", "http://x:99999", "http://x:0"}) {
    auto e = ParseServerUrl(url);
    ASSERT_FALSE(e) << url;
    EXPECT_EQ(e.error().exit_code, kExitUsage) << url;
  }
  auto https = ParseServerUrl("https://fleet.example");
  ASSERT_FALSE(https);
  EXPECT_NE(https.error().message.find("https is not supported yet"), std::string::npos);
}

}  // namespace
}  // namespace custos::cli
