// End to end: the client registers with the real RegistrationService (src/lwm2m/server)
// behind a coap::Endpoint, over UDP and over DTLS with a PSK the registry holds, updates
// and de-registers; the registration table follows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "core/core.h"
#include "lwm2m/client/client.h"
#include "lwm2m/server/server.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::lwm2m::client {
namespace {

using namespace std::chrono_literals;

class RegistrationEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-lwm2m-client-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    ASSERT_TRUE(registry_->Load());
    service_ = std::make_unique<server::RegistrationService>(server::ServerOptions{}, *registry_,
                                                             *store_, clock_);
  }
  void TearDown() override {
    client_.reset();
    endpoint_.reset();
    service_.reset();
    registry_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartServer(bool secure) {
    coap::EndpointOptions options;
    options.listen = "127.0.0.1:0";
    if (secure) {
      coap::DtlsSettings dtls;
      dtls.psk_lookup =
          [this](std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
        if (identity != "dev-psk") return std::nullopt;
        return key_;
      };
      options.dtls = dtls;
    }
    auto started = coap::Endpoint::Start(
        options, [this, secure](coap::IncomingRequest request, coap::Responder responder) {
          service_->Handle(secure, request, std::move(responder));
        });
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
  }

  void StartClient(ClientOptions options, bool secure) {
    options.run_timer = false;
    const std::string scheme = secure ? "coaps" : "coap";
    auto started = Client::Start(
        options, scheme + "://127.0.0.1:" + std::to_string(endpoint_->port()), clock_);
    ASSERT_TRUE(started) << started.error().message;
    client_ = std::move(*started);
  }

  std::filesystem::path dir_;
  core::FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<server::RegistrationService> service_;
  std::unique_ptr<coap::Endpoint> endpoint_;
  std::unique_ptr<Client> client_;
  std::vector<std::uint8_t> key_{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
};

TEST_F(RegistrationEndToEndTest, RegistersUpdatesAndDeregistersOverUdp) {
  StartServer(false);
  ClientOptions options;
  options.endpoint_name = "e2e-udp";
  options.version = format::Lwm2mVersion::kV1_1;
  options.lifetime_s = 60;
  StartClient(options, false);
  ASSERT_TRUE(client_->Register(10s));
  EXPECT_EQ(service_->registrations().size(), 1u);
  auto device = registry_->GetDeviceByName("e2e-udp");
  ASSERT_TRUE(device) << device.error().message;
  EXPECT_EQ(device->protocol, "lwm2m");
  ASSERT_TRUE(client_->Update(true, 10s));
  ASSERT_TRUE(client_->Deregister(10s));
  EXPECT_EQ(service_->registrations().size(), 0u);
}

TEST_F(RegistrationEndToEndTest, RegistersOverDtlsWithAPskTheRegistryHolds) {
  core::Device device;
  device.name = "e2e-dtls";
  device.protocol = "lwm2m";
  core::Actor admin{0, "test", core::Role::kAdmin};
  auto created = registry_->CreateDevice(admin, device);
  ASSERT_TRUE(created) << created.error().message;
  core::Credential credential;
  credential.kind = "psk";
  credential.identity = "dev-psk";
  credential.secret = "0102030405060708";
  ASSERT_TRUE(registry_->AddCredential(admin, created->id, credential));
  StartServer(true);
  ClientOptions options;
  options.endpoint_name = "e2e-dtls";
  options.version = format::Lwm2mVersion::kV1_2;
  options.psk_identity = "dev-psk";
  options.psk_key = key_;
  StartClient(options, true);
  ASSERT_TRUE(client_->Register(10s));
  EXPECT_EQ(service_->registrations().size(), 1u);
  ASSERT_TRUE(client_->Update(false, 10s));
  ASSERT_TRUE(client_->Deregister(10s));
  EXPECT_EQ(service_->registrations().size(), 0u);
}

TEST_F(RegistrationEndToEndTest, AWrongPskIsNotRegistered) {
  StartServer(true);
  ClientOptions options;
  options.endpoint_name = "intruder";
  options.psk_identity = "nobody";
  options.psk_key = key_;
  options.transmission.ack_timeout = 100ms;
  options.transmission.max_retransmit = 1;
  StartClient(options, true);
  auto registered = client_->Register(10s);
  ASSERT_FALSE(registered);
  EXPECT_EQ(service_->registrations().size(), 0u);
}

}  // namespace
}  // namespace custos::lwm2m::client
