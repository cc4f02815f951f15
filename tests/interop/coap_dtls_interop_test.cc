// Our endpoint with DTLS against libcoap 4.3 (Debian libcoap3-bin) in its GnuTLS and
// OpenSSL builds: coap-client over coaps:// against our server role, and our client role
// against coap-server's DTLS port.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "child_process.h"
#include "coap/transport/endpoint.h"
#include "libcoap_support.h"

namespace custos::coap {
namespace {

using custos::testing::BackgroundProcess;
using custos::testing::OnPath;
using custos::testing::RunProcess;
using namespace std::chrono_literals;

constexpr std::string_view kIdentity = "custos-interop";
constexpr std::string_view kKey = "interop-secret-42";

std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }
std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::string Build(const ::testing::TestParamInfo<std::string>& info) {
  return info.param.find("gnutls") != std::string::npos ? "GnuTLS" : "OpenSSL";
}

// coap-client-{gnutls,openssl} against our endpoint, which answers "<identity> <method>
// <path>[ <payload>]".
class CoapClientOverDtlsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!OnPath(GetParam())) GTEST_SKIP() << GetParam() << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    DtlsSettings dtls;
    dtls.psk_lookup = [](std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
      if (identity == kIdentity) return Bytes(kKey);
      return std::nullopt;
    };
    options.dtls = std::move(dtls);
    auto started = Endpoint::Start(options, [this](IncomingRequest request, Responder responder) {
      ++calls_;
      const Message& message = request.message;
      std::string text = request.identity + " " + testing::MethodName(message.code) + " " +
                         UriPath(message.options);
      if (!message.payload.empty()) text += " " + Text(message.payload);
      Message response;
      response.code = codes::kContent;
      response.payload = Bytes(text);
      responder.Respond(std::move(response));
    });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }
  void TearDown() override { endpoint_.reset(); }

  // coap-client with `arguments`, presenting `identity`, for `path` on our endpoint.
  custos::testing::ProcessOutput Client(std::string_view identity,
                                        std::vector<std::string> arguments,
                                        const std::string& path) {
    std::vector<std::string> argv = {
        GetParam(), "-B", "10", "-u", std::string(identity), "-k", std::string(kKey)};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back("coaps://127.0.0.1:" + std::to_string(endpoint_->port()) + path);
    return RunProcess(argv, 20s);
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::atomic<int> calls_{0};
};

TEST_P(CoapClientOverDtlsTest, GetsOurAnswer) {
  auto output = Client(kIdentity, {}, "/3/0");
  ASSERT_FALSE(output.timed_out);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_EQ(output.out, "custos-interop GET /3/0\n");
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 1u);
}

TEST_P(CoapClientOverDtlsTest, PutsAPayload) {
  auto output = Client(kIdentity, {"-m", "put", "-e", "22.5"}, "/3303/0/5700");
  ASSERT_FALSE(output.timed_out);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_EQ(output.out, "custos-interop PUT /3303/0/5700 22.5\n");
}

TEST_P(CoapClientOverDtlsTest, AnUnknownIdentityIsRefused) {
  auto output = Client("stranger", {}, "/3/0");
  ASSERT_FALSE(output.timed_out);
  EXPECT_EQ(output.out.find("GET"), std::string::npos) << output.out;
  EXPECT_TRUE(testing::PollUntil([&] { return endpoint_->stats().dtls_handshake_failures >= 1; }));
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 0u);
  EXPECT_EQ(calls_, 0);
}

INSTANTIATE_TEST_SUITE_P(Libcoap, CoapClientOverDtlsTest,
                         ::testing::Values("coap-client-gnutls", "coap-client-openssl"), Build);

// Our endpoint, presenting kIdentity, against coap-server-{gnutls,openssl} -k kKey.
class UsAgainstCoapServerOverDtlsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!OnPath(GetParam())) GTEST_SKIP() << GetParam() << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    DtlsSettings dtls;
    dtls.client_identity = kIdentity;
    dtls.client_key = Bytes(kKey);
    options.dtls = std::move(dtls);
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);

    const auto port = testing::FreePortPair();
    ASSERT_TRUE(port);
    server_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        GetParam(), "-A", "127.0.0.1", "-p", std::to_string(*port), "-k", std::string(kKey)});
    ASSERT_TRUE(server_->started());
    peer_ = Peer::V4({127, 0, 0, 1}, static_cast<std::uint16_t>(*port + 1));
  }
  void TearDown() override { endpoint_.reset(); }

  // Until the server is up its port is closed and the ClientHello is lost: the handshake's
  // own retransmissions keep knocking, within the handshake time-out.
  core::Result<Message> Get(std::string_view path) {
    Message request;
    request.code = codes::kGet;
    SetUriPath(request.options, path);
    return testing::Call(*endpoint_, peer_, std::move(request), {}, 30s);
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<BackgroundProcess> server_;
  Peer peer_;
};

TEST_P(UsAgainstCoapServerOverDtlsTest, GetsTheRootResource) {
  auto response = Get("/");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_NE(Text(response->payload).find("libcoap"), std::string::npos);
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 1u);
}

TEST_P(UsAgainstCoapServerOverDtlsTest, CloseSessionsMakesTheNextRequestHandshakeAgain) {
  ASSERT_TRUE(Get("/"));
  ASSERT_TRUE(Get("/time"));
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 1u);

  endpoint_->CloseSessions(kIdentity);
  ASSERT_TRUE(testing::PollUntil([&] { return endpoint_->stats().dtls_sessions == 0; }));
  auto response = Get("/time");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->code, codes::kContent);
  EXPECT_EQ(endpoint_->stats().dtls_handshakes, 2u);
}

INSTANTIATE_TEST_SUITE_P(Libcoap, UsAgainstCoapServerOverDtlsTest,
                         ::testing::Values("coap-server-gnutls", "coap-server-openssl"), Build);

}  // namespace
}  // namespace custos::coap
