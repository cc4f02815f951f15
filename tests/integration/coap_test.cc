// The server's CoAP and CoAPS listeners end to end, with Debian's libcoap clients as the
// devices: discovery and 4.04 over UDP, DTLS-PSK handshakes decided by the device registry
// (active devices in, unknown keys, disabled and retired devices out), and the counters.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <future>

#include "coap/transport/endpoint.h"
#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

constexpr char kPskKey[] = "custos-psk-key-1";  // ASCII, as coap-client's -k takes it

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

class CoapServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
    ASSERT_FALSE(server_->coap_url().empty()) << server_->Output();
    ASSERT_FALSE(server_->coaps_url().empty()) << server_->Output();
    admin_ = std::make_unique<HttpClient>(server_->host(), server_->port(), kAdminToken);
  }

  // A device with a PSK credential (identity = name, key = kPskKey); returns its id.
  std::string DeviceWithPsk(const std::string& name) {
    auto created = admin_->Post("/api/v1/devices", R"({"name":")" + name + R"("})");
    EXPECT_EQ(created.status, 201) << created.body;
    std::string id = std::to_string(created.Json().at("id").as_int64());
    auto cred = admin_->Post("/api/v1/devices/" + id + "/credentials",
                             R"({"kind":"psk","identity":")" + name + R"(","secret":")" +
                                 Hex(kPskKey) + R"("})");
    EXPECT_EQ(cred.status, 201) << cred.body;
    return id;
  }

  // coap-client (libcoap3-bin) GET of `path`; -B bounds its own wait.
  CommandResult Get(const std::string& client, const std::string& url_base,
                    const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {client, "-B", "5", "-m", "get"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url_base + path);
    return RunProgram(argv, {}, std::chrono::seconds(30));
  }

  // A GET of a path nobody serves over DTLS: "4.04" in the output proves that the
  // handshake succeeded and the request went through the session.
  CommandResult GetSecure(const std::string& client, const std::string& identity,
                          const std::string& key) {
    return Get(client, server_->coaps_url(), "/nothing-here", {"-u", identity, "-k", key});
  }

  static bool Answered(const CommandResult& r) {
    return (r.out + r.err).find("4.04") != std::string::npos;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(CoapServerTest, AnswersDiscoveryAndNotFoundOverUdp) {
  auto discovery = Get("coap-client-notls", server_->coap_url(), "/.well-known/core");
  EXPECT_EQ(discovery.exit_code, 0) << discovery.err;
  EXPECT_EQ((discovery.out + discovery.err).find("4."), std::string::npos)
      << discovery.out << discovery.err;
  auto missing = Get("coap-client-notls", server_->coap_url(), "/no/such/resource");
  EXPECT_NE(missing.err.find("4.04"), std::string::npos) << missing.out << missing.err;
  auto non = Get("coap-client-notls", server_->coap_url(), "/no/such/resource", {"-N"});
  EXPECT_NE(non.err.find("4.04"), std::string::npos) << non.out << non.err;
}

TEST_F(CoapServerTest, DtlsHandshakeWithTheKeyOfAnActiveDevice) {
  DeviceWithPsk("psk-dev-1");
  for (const char* client : {"coap-client-gnutls", "coap-client-openssl"}) {
    auto r = GetSecure(client, "psk-dev-1", kPskKey);
    EXPECT_FALSE(r.timed_out) << client;
    EXPECT_TRUE(Answered(r)) << client << ": " << r.out << r.err;
  }
}

TEST_F(CoapServerTest, DtlsRefusesUnknownIdentitiesWrongKeysAndDisabledOrRetiredDevices) {
  auto expect_refused = [&](const std::string& identity, const std::string& key) {
    auto r = GetSecure("coap-client-gnutls", identity, key);
    // The handshake fails, so no CoAP answer comes back.
    EXPECT_FALSE(Answered(r)) << identity << ": rc=" << r.exit_code << " out=" << r.out
                              << " err=" << r.err;
  };
  expect_refused("nobody", kPskKey);

  std::string id = DeviceWithPsk("psk-dev-2");
  expect_refused("psk-dev-2", "not-the-key-at-all");

  ASSERT_EQ(admin_->Post("/api/v1/devices/" + id + "/disable", "{}").status, 200);
  expect_refused("psk-dev-2", kPskKey);
  ASSERT_EQ(admin_->Post("/api/v1/devices/" + id + "/enable", "{}").status, 200);
  EXPECT_TRUE(Answered(GetSecure("coap-client-gnutls", "psk-dev-2", kPskKey)));

  ASSERT_EQ(admin_->Post("/api/v1/devices/" + id + "/retire", "{}").status, 200);
  expect_refused("psk-dev-2", kPskKey);

  HttpClient anon(server_->host(), server_->port());
  auto metrics = anon.Get("/metrics").body;
  EXPECT_NE(metrics.find("custos_dtls_handshakes_total{result=\"failed\"}"), std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("custos_dtls_handshakes_total{result=\"failed\"} 0\n"),
            std::string::npos)
      << metrics;
}

// A device that holds a DTLS session (our own endpoint in the DTLS client role) loses it
// the moment an operator disables it, and cannot open a new one.
TEST_F(CoapServerTest, DisablingADeviceClosesItsLiveDtlsSession) {
  std::string id = DeviceWithPsk("psk-dev-3");
  coap::EndpointOptions options;
  options.listen = "127.0.0.1:0";
  coap::DtlsSettings dtls;
  dtls.psk_lookup = [](std::string_view) { return std::nullopt; };  // accepts nobody
  dtls.client_identity = "psk-dev-3";
  dtls.client_key.assign(kPskKey, kPskKey + sizeof kPskKey - 1);
  options.dtls = dtls;
  auto device = coap::Endpoint::Start(options, [](coap::IncomingRequest, coap::Responder r) {
    r.Respond(coap::Message{.code = coap::codes::kNotFound});
  });
  ASSERT_TRUE(device) << device.error().message;
  const auto port = static_cast<std::uint16_t>(
      std::stoi(server_->coaps_url().substr(server_->coaps_url().rfind(':') + 1)));
  const coap::Peer server_peer = coap::Peer::V4({127, 0, 0, 1}, port);

  auto get = [&]() -> core::Result<coap::Message> {
    std::promise<core::Result<coap::Message>> answer;
    coap::Message request;
    request.code = coap::codes::kGet;
    coap::SetUriPath(request.options, "nothing-here");
    coap::RequestOptions request_options;
    request_options.response_timeout = std::chrono::seconds(5);
    (*device)->Request(server_peer, request, request_options,
                       [&answer](core::Result<coap::Message> r) { answer.set_value(r); });
    return answer.get_future().get();
  };
  auto first = get();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->code, coap::codes::kNotFound);

  HttpClient anon(server_->host(), server_->port());
  auto sessions_line = [&] {
    auto m = anon.Get("/metrics").body;
    auto at = m.find("\ncustos_dtls_sessions ");
    return at == std::string::npos ? std::string() : m.substr(at + 1, m.find('\n', at + 1) - at - 1);
  };
  EXPECT_EQ(sessions_line(), "custos_dtls_sessions 1");

  ASSERT_EQ(admin_->Post("/api/v1/devices/" + id + "/disable", "{}").status, 200);
  EXPECT_TRUE(WaitUntil([&] { return sessions_line() == "custos_dtls_sessions 0"; }))
      << sessions_line();
  // The close_notify reached the device: its next request needs a new handshake, which
  // the server refuses for a disabled device.
  EXPECT_TRUE(WaitUntil([&] { return !get().has_value(); }, std::chrono::seconds(60)));
  (*device)->Stop();
}

TEST_F(CoapServerTest, CountsDatagramsInMetrics) {
  auto r = Get("coap-client-notls", server_->coap_url(), "/.well-known/core");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  HttpClient anon(server_->host(), server_->port());
  auto metrics = anon.Get("/metrics").body;
  EXPECT_NE(metrics.find("custos_coap_datagrams_received_total{listener=\"coap\"} "),
            std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("custos_coap_datagrams_received_total{listener=\"coap\"} 0\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("custos_coap_dropped_total{listener=\"coap\",reason=\"malformed\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::testing
