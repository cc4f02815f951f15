// MQTT over TLS with certificates made at test time by the openssl CLI: password logins,
// client-certificate logins (an "x509" credential naming the certificate's fingerprint), and
// what is refused. Driven by mosquitto_pub.
#include <algorithm>
#include <cctype>

#include "fixture.h"

namespace custos::mqtt::server {
namespace {

using testing::OnPath;

class TlsTest : public ServerFixture {
 protected:
  void SetUp() override {
    if (!OnPath("openssl") || !OnPath("mosquitto_pub")) {
      GTEST_SKIP() << "openssl or mosquitto-clients is not installed";
    }
    ServerFixture::SetUp();
    MakeCertificate("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    options_.tls.enabled = true;
    options_.tls.port = 0;
    options_.tls.cert_file = (dir_ / "server.crt").string();
    options_.tls.key_file = (dir_ / "server.key").string();
    StartServer();
    tls_port_ = server_->tls_port();
  }

  // A self-signed EC certificate and key in dir_/{name}.crt and {name}.key.
  void MakeCertificate(const std::string& name, const std::string& subject,
                       const std::string& extension = "") {
    std::vector<std::string> argv = {"openssl",
                                     "req",
                                     "-x509",
                                     "-newkey",
                                     "ec",
                                     "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1",
                                     "-nodes",
                                     "-days",
                                     "2",
                                     "-subj",
                                     subject,
                                     "-keyout",
                                     (dir_ / (name + ".key")).string(),
                                     "-out",
                                     (dir_ / (name + ".crt")).string()};
    if (!extension.empty()) argv.insert(argv.end(), {"-addext", extension});
    auto r = testing::Run(argv, 30s);
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }

  // The SHA-256 fingerprint of dir_/{name}.crt as 64 lowercase hex digits.
  std::string Fingerprint(const std::string& name) {
    auto r = testing::Run({"openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                           (dir_ / (name + ".crt")).string()},
                          30s);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::string hex;
    for (char c : r.out.substr(r.out.find('=') + 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c))) {
        hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return hex;
  }

  std::vector<std::string> Pub(const std::string& client_id, const std::string& topic) {
    return {"mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            std::to_string(tls_port_),
            "-V",
            "mqttv5",
            "--cafile",
            (dir_ / "server.crt").string(),
            "-i",
            client_id,
            "-t",
            topic,
            "-m",
            "hello",
            "-q",
            "1"};
  }

  std::uint16_t tls_port_ = 0;
};

TEST_F(TlsTest, PasswordLoginOverTls) {
  auto d = AddDevice("gw-1");
  auto argv = Pub(d.name, "devices/gw-1/up");
  argv.insert(argv.end(), {"-u", d.name, "-P", d.password});
  auto r = testing::Run(argv, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 1; }, 5s));
  ASSERT_FALSE(handler_.connects().empty());
  EXPECT_EQ(handler_.connects()[0].transport, "tls");
}

TEST_F(TlsTest, ClientCertificateLogsInWithoutAPassword) {
  auto d = AddDevice("gw-1");
  MakeCertificate("gw-1", "/CN=gw-1");
  core::Credential x509;
  x509.kind = "x509";
  x509.identity = Fingerprint("gw-1");
  ASSERT_EQ(x509.identity.size(), 64u);
  ASSERT_TRUE(registry_->AddCredential(admin(), d.id, x509));
  auto argv = Pub(d.name, "devices/gw-1/up");
  argv.insert(argv.end(),
              {"--cert", (dir_ / "gw-1.crt").string(), "--key", (dir_ / "gw-1.key").string()});
  auto r = testing::Run(argv, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return handler_.publishes().size() == 1; }, 5s));
  EXPECT_EQ(handler_.publishes()[0].sender.device_id, d.id);
}

TEST_F(TlsTest, UnregisteredCertificateIsRefused) {
  auto d = AddDevice("gw-1");
  MakeCertificate("stranger", "/CN=gw-1");
  auto argv = Pub(d.name, "devices/gw-1/up");
  argv.insert(argv.end(), {"--cert", (dir_ / "stranger.crt").string(), "--key",
                           (dir_ / "stranger.key").string()});
  auto r = testing::Run(argv, 30s);
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_TRUE(handler_.publishes().empty());
  EXPECT_EQ(server_->stats().connects_bad_credentials, 1u);
}

TEST_F(TlsTest, PlainMqttOnTheTlsPortFailsTheHandshake) {
  RawClient client;
  ASSERT_TRUE(client.Open(tls_port_));
  auto d = AddDevice("gw-1");
  client.Send(RawClient::MakeConnect(Version::kV5, d.name, d.name, d.password));
  EXPECT_TRUE(client.WaitClosed());
  ASSERT_TRUE(WaitFor([&] { return server_->stats().tls_handshake_failures == 1; }, 5s));
  EXPECT_TRUE(handler_.connects().empty());
}

TEST_F(TlsTest, HandshakesBeyondTheConnectRateAreRefusedBeforeTheyStart) {
  server_.reset();
  options_.max_connect_rate = 0.001;  // the burst and no more
  options_.connect_burst = 1;
  StartServer();
  tls_port_ = server_->tls_port();
  auto d = AddDevice("gw-1");
  auto argv = Pub(d.name, "devices/gw-1/up");
  argv.insert(argv.end(), {"-u", d.name, "-P", d.password});
  EXPECT_EQ(testing::Run(argv, 30s).exit_code, 0);
  auto refused = testing::Run(argv, 30s);
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_EQ(server_->stats().connects_rate_limited, 1u);
  EXPECT_EQ(server_->stats().tls_handshake_failures, 0u);
  EXPECT_EQ(handler_.publishes().size(), 1u);
}

using TlsOptionsTest = ServerFixture;

TEST_F(TlsOptionsTest, MissingCertificateFailsTheStart) {
  options_.plain_enabled = false;
  options_.tls.enabled = true;
  options_.tls.port = 0;
  options_.tls.cert_file = (dir_ / "absent.crt").string();
  options_.tls.key_file = (dir_ / "absent.key").string();
  auto started =
      Server::Start(options_, Services{*store_, *registry_, *tokens_, *events_, clock()}, nullptr);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("absent.crt"), std::string::npos)
      << started.error().message;
}

}  // namespace
}  // namespace custos::mqtt::server
