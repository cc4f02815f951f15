// A real core over SQLite in a temporary directory and an MQTT server on 127.0.0.1:0, with a
// handler that records what the server hands it, and helpers to provision devices.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/core.h"
#include "mqtt/server/server.h"
#include "process.h"
#include "raw_client.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::mqtt::server {

using namespace std::chrono_literals;
using testing::RawClient;
using testing::WaitFor;

// Records every callback; OnPublish answers `answer`.
class RecordingHandler : public DeviceHandler {
 public:
  struct Received {
    Sender sender;
    Message message;
  };

  void OnConnect(const ConnectInfo& info) override {
    std::lock_guard lock(mu_);
    connects_.push_back(info);
  }
  void OnDisconnect(const DisconnectInfo& info) override {
    std::lock_guard lock(mu_);
    disconnects_.push_back(info);
  }
  ReasonCode OnPublish(const Sender& sender, const Message& message) override {
    std::lock_guard lock(mu_);
    publishes_.push_back({sender, message});
    return answer;
  }

  std::vector<ConnectInfo> connects() const {
    std::lock_guard lock(mu_);
    return connects_;
  }
  std::vector<DisconnectInfo> disconnects() const {
    std::lock_guard lock(mu_);
    return disconnects_;
  }
  std::vector<Received> publishes() const {
    std::lock_guard lock(mu_);
    return publishes_;
  }

  std::atomic<ReasonCode> answer{ReasonCode::kSuccess};

 private:
  mutable std::mutex mu_;
  std::vector<ConnectInfo> connects_;
  std::vector<DisconnectInfo> disconnects_;
  std::vector<Received> publishes_;
};

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-mqtt-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions store_options;
    store_options.path = dir_ / "custos.db";
    store_options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(store_options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(core::SystemClock());
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock());
    ASSERT_TRUE(registry_->Load());
    tokens_ = std::make_unique<core::TokenService>(*store_, core::SystemClock());
    auto admin = tokens_->Bootstrap(std::nullopt);
    ASSERT_TRUE(admin && *admin);
    admin_secret_ = **admin;
    options_.port = 0;
    options_.sweep_interval_ms = 50;
    options_.max_connect_rate = 0;
  }

  void TearDown() override {
    server_.reset();
    if (store_) store_->Close();
    tokens_.reset();
    registry_.reset();
    events_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  virtual core::Clock& clock() { return core::SystemClock(); }

  // Starts the server with options_ (call after adjusting them).
  void StartServer() {
    auto started = Server::Start(
        options_, Services{*store_, *registry_, *tokens_, *events_, clock()}, &handler_);
    ASSERT_TRUE(started) << started.error().message;
    server_ = std::move(*started);
    port_ = server_->port();
  }

  struct Provisioned {
    core::DeviceId id = 0;
    std::string name;
    std::string password;
  };

  // A device with a password credential (identity = its name).
  Provisioned AddDevice(const std::string& name) {
    core::Device d;
    d.name = name;
    d.protocol = "mqtt";
    auto created = registry_->CreateDevice(admin(), d);
    EXPECT_TRUE(created) << created.error().message;
    core::Credential c;
    c.kind = "password";
    auto credential = registry_->AddCredential(admin(), created->id, c);
    EXPECT_TRUE(credential) << credential.error().message;
    return {created->id, name, credential->plaintext};
  }

  // An operator token of `role`; its secret.
  std::string AddToken(const std::string& name, core::Role role) {
    auto made = tokens_->Create(admin(), name, role, std::nullopt);
    EXPECT_TRUE(made);
    return made->secret;
  }

  core::Actor admin() const { return core::Actor{1, "admin", core::Role::kAdmin}; }

  // A raw client logged in as `device` (v5 unless told), with the CONNACK checked.
  std::unique_ptr<RawClient> Login(const Provisioned& device, Version version = Version::kV5,
                                   bool clean_start = true) {
    auto client = std::make_unique<RawClient>();
    EXPECT_TRUE(client->Open(port_));
    auto connect = RawClient::MakeConnect(version, device.name, device.name, device.password);
    connect.clean_start = clean_start;
    if (!clean_start && version == Version::kV5) {
      connect.properties.SetSessionExpiryInterval(3600);
    }
    auto ack = client->Connect(connect);
    EXPECT_TRUE(ack);
    if (ack) {
      EXPECT_EQ(ack->reason_code, ReasonCode::kSuccess);
    }
    return client;
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<core::TokenService> tokens_;
  std::string admin_secret_;
  RecordingHandler handler_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace custos::mqtt::server
