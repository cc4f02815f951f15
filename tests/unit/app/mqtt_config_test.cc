// The MQTT keys of the server configuration: listeners, TLS files and limits.
#include <gtest/gtest.h>

#include "app/config.h"

namespace custos::app {
namespace {

TEST(MqttConfigTest, PlainListenerOnByDefaultTlsOffWithoutACertificate) {
  auto c = ResolveConfig({}, {}, {});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->mqtt_listen);
  EXPECT_EQ(c->mqtt_listen->host, "127.0.0.1");
  EXPECT_EQ(c->mqtt_listen->port, 1883);
  EXPECT_FALSE(c->mqtts_listen);
  EXPECT_EQ(c->mqtt_max_connect_rate, 1000);
  EXPECT_EQ(c->mqtt_max_packet_size, 256u * 1024);
  EXPECT_EQ(c->mqtt_io_threads, 2);
}

TEST(MqttConfigTest, ACertificateTurnsTheTlsListenerOnAtItsStandardPort) {
  auto c = ResolveConfig(
      {{"mqtt.tls_certificate", "/etc/custos/cert.pem"}, {"mqtt.tls_private_key", "/k.pem"}}, {},
      {});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->mqtts_listen);
  EXPECT_EQ(c->mqtts_listen->host, "127.0.0.1");
  EXPECT_EQ(c->mqtts_listen->port, 8883);
  EXPECT_EQ(c->mqtt_tls_certificate, "/etc/custos/cert.pem");
  EXPECT_EQ(c->mqtt_tls_private_key, "/k.pem");

  auto off = ResolveConfig({{"mqtt.tls_certificate", "c.pem"}, {"mqtt.tls_private_key", "k.pem"}},
                           {{"mqtts.listen", "off"}}, {{"mqtt.listen", "off"}});
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE(off->mqtts_listen);
  EXPECT_FALSE(off->mqtt_listen);

  auto moved = ResolveConfig({}, {{"mqtt.tls_certificate", "c.pem"}},
                             {{"mqtt.tls_private_key", "k.pem"},
                              {"mqtts.listen", "0.0.0.0:0"},
                              {"mqtt.tls_client_ca", "ca.pem"}});
  ASSERT_TRUE(moved) << moved.error().message;
  ASSERT_TRUE(moved->mqtts_listen);
  EXPECT_EQ(moved->mqtts_listen->host, "0.0.0.0");
  EXPECT_EQ(moved->mqtts_listen->port, 0);
  EXPECT_EQ(moved->mqtt_tls_client_ca, "ca.pem");
}

TEST(MqttConfigTest, TlsWithoutItsFilesIsRefused) {
  auto no_cert = ResolveConfig({}, {}, {{"mqtts.listen", "127.0.0.1:8883"}});
  ASSERT_FALSE(no_cert);
  EXPECT_NE(no_cert.error().message.find("mqtts.listen"), std::string::npos);
  auto no_key = ResolveConfig({}, {}, {{"mqtt.tls_certificate", "c.pem"}});
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().message.find("mqtt.tls_private_key"), std::string::npos);
  auto ca_alone = ResolveConfig({}, {}, {{"mqtt.tls_client_ca", "ca.pem"}});
  ASSERT_FALSE(ca_alone);
  EXPECT_NE(ca_alone.error().message.find("mqtt.tls_client_ca"), std::string::npos);
}

TEST(MqttConfigTest, LimitsAreParsedAndChecked) {
  auto c = ResolveConfig({{"mqtt.max_connect_rate", "2.5"}}, {{"mqtt.max_packet_size", "4096"}},
                         {{"mqtt.io_threads", "4"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->mqtt_max_connect_rate, 2.5);
  EXPECT_EQ(c->mqtt_max_packet_size, 4096u);
  EXPECT_EQ(c->mqtt_io_threads, 4);
  EXPECT_TRUE(ResolveConfig({}, {}, {{"mqtt.max_connect_rate", "0"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"mqtt.max_connect_rate", "-1"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"mqtt.max_connect_rate", "fast"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"mqtt.max_packet_size", "100"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"mqtt.max_packet_size", "268435461"}}));
  EXPECT_FALSE(ResolveConfig({}, {}, {{"mqtt.io_threads", "0"}}));
  auto bad = ResolveConfig({}, {}, {{"mqtt.listen", "nowhere"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("mqtt.listen"), std::string::npos);
}

TEST(MqttConfigTest, EnvironmentAndFlagSpellings) {
  std::string a = "CUSTOS_MQTT_LISTEN=0.0.0.0:1883";
  std::string b = "CUSTOS_MQTTS_LISTEN=off";
  std::string c = "CUSTOS_MQTT_TLS_CLIENT_CA=/ca.pem";
  std::string d = "CUSTOS_MQTT_MAX_CONNECT_RATE=50";
  char* envp[] = {a.data(), b.data(), c.data(), d.data(), nullptr};
  auto s = SettingsFromEnvironment(envp);
  EXPECT_EQ(s["mqtt.listen"], "0.0.0.0:1883");
  EXPECT_EQ(s["mqtts.listen"], "off");
  EXPECT_EQ(s["mqtt.tls_client_ca"], "/ca.pem");
  EXPECT_EQ(s["mqtt.max_connect_rate"], "50");
  const auto& keys = ConfigKeys();
  for (const char* key :
       {"mqtt.listen", "mqtts.listen", "mqtt.tls_certificate", "mqtt.tls_private_key",
        "mqtt.tls_client_ca", "mqtt.max_connect_rate", "mqtt.max_packet_size", "mqtt.io_threads"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
}

}  // namespace
}  // namespace custos::app
