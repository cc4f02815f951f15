#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace custos::app {
namespace {

std::filesystem::path WriteFile(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              (name + "-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path;
}

TEST(HostPortTest, Parses) {
  auto a = ParseHostPort("127.0.0.1:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 0);
  auto b = ParseHostPort("[::1]:8443");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 8443);
  EXPECT_FALSE(ParseHostPort("localhost"));
  EXPECT_FALSE(ParseHostPort(":80"));
  EXPECT_FALSE(ParseHostPort("host:65536"));
  EXPECT_FALSE(ParseHostPort("host:http"));
}

TEST(ConfigTest, DefaultsListenOnLocalhost) {
  auto c = ResolveConfig({}, {}, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->http_listen.host, "127.0.0.1");
  EXPECT_EQ(c->http_listen.port, 8080);
  EXPECT_EQ(c->data_dir, "data");
  EXPECT_TRUE(c->store_synchronous_full);
}

TEST(ConfigTest, CoapListenersDefaultToTheStandardPortsAndCanBeTurnedOff) {
  auto defaults = ResolveConfig({}, {}, {});
  ASSERT_TRUE(defaults);
  ASSERT_TRUE(defaults->coap_listen);
  EXPECT_EQ(defaults->coap_listen->port, 5683);
  ASSERT_TRUE(defaults->coaps_listen);
  EXPECT_EQ(defaults->coaps_listen->port, 5684);

  auto set = ResolveConfig({{"coap.listen", "0.0.0.0:0"}}, {{"coaps.listen", "off"}},
                           {{"coap.threads", "4"}});
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->coap_listen);
  EXPECT_EQ(set->coap_listen->host, "0.0.0.0");
  EXPECT_EQ(set->coap_listen->port, 0);
  EXPECT_FALSE(set->coaps_listen);
  EXPECT_EQ(set->coap_threads, 4);

  auto bad = ResolveConfig({}, {}, {{"coaps.listen", "nowhere"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("coaps.listen"), std::string::npos);
  EXPECT_FALSE(ResolveConfig({}, {}, {{"coap.threads", "65"}}));
}

TEST(ConfigTest, FlagOverEnvOverFileOverDefault) {
  auto path = WriteFile("precedence",
                        "data_dir = \"/from/file\"\nlog_level = \"warn\"\n"
                        "[http]\nlisten = \"127.0.0.1:1000\"\nworker_threads = 3\n");
  auto file = ReadConfigFile(path);
  ASSERT_TRUE(file) << file.error().message;
  Settings env{{"http.listen", "127.0.0.1:2000"}, {"log_level", "error"}};
  Settings flags{{"http.listen", "127.0.0.1:3000"}};
  auto c = ResolveConfig(*file, env, flags);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->http_listen.port, 3000);   // flag
  EXPECT_EQ(c->log_level, "error");       // env over file
  EXPECT_EQ(c->data_dir, "/from/file");   // file over default
  EXPECT_EQ(c->http_worker_threads, 3);   // file
  EXPECT_EQ(c->http_io_threads, 2);       // default
  std::filesystem::remove(path);
}

TEST(ConfigTest, EnvironmentNames) {
  std::string a = "CUSTOS_HTTP_LISTEN=0.0.0.0:9";
  std::string b = "CUSTOS_DATA_DIR=/var/lib/custos";
  std::string c = "CUSTOS_ADMIN_TOKEN=0123456789abcdef0123";
  std::string d = "HOME=/root";
  char* envp[] = {a.data(), b.data(), c.data(), d.data(), nullptr};
  auto s = SettingsFromEnvironment(envp);
  EXPECT_EQ(s["http.listen"], "0.0.0.0:9");
  EXPECT_EQ(s["data_dir"], "/var/lib/custos");
  EXPECT_EQ(s.size(), 3u);
  auto cfg = ResolveConfig({}, s, {});
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->admin_token, "0123456789abcdef0123");
}

TEST(ConfigTest, UnknownKeyInFileIsAnErrorWithLine) {
  auto path = WriteFile("unknown", "[http]\nlisten = \"127.0.0.1:1\"\nlisten_port = 5\n");
  auto file = ReadConfigFile(path);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find(":3: unknown setting 'http.listen_port'"),
            std::string::npos)
      << file.error().message;
  std::filesystem::remove(path);
}

TEST(ConfigTest, BadTomlNamesThePosition) {
  auto path = WriteFile("bad", "data_dir = \n");
  auto file = ReadConfigFile(path);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find(":1:"), std::string::npos) << file.error().message;
  std::filesystem::remove(path);
}

TEST(ConfigTest, BadValuesAreRefused) {
  EXPECT_FALSE(ResolveConfig({}, {}, {{"log_level", "loud"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"http.worker_threads", "0"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"http.listen", "nowhere"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"store.synchronous", "sometimes"}}));
  EXPECT_FALSE(ResolveConfig({{"admin_token", "from-a-file-0000"}}, {}, {}))
      << "the admin token never comes from a file";
}

}  // namespace
}  // namespace custos::app
