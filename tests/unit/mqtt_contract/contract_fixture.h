// A DeviceContract over the real SQLite store in a temporary directory, with a stand-in for
// the endpoint's Publish that records what it is given and answers as told.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "mqtt_contract/contract.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::mqtt_contract {

namespace ms = mqtt::server;

class ContractFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("custos-contract-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    core::Device d;
    d.name = "d1";
    auto created = registry_->CreateDevice(operator_, d);
    ASSERT_TRUE(created) << created.error().message;
    id_ = created->id;
    contract_ =
        std::make_unique<DeviceContract>(ContractServices{*store_, *registry_, *events_, clock_});
  }

  void TearDown() override {
    contract_.reset();
    registry_.reset();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Starts the contract with the recording publisher.
  void Start() {
    contract_->Start([this](core::DeviceId id, ms::Message m) -> core::Result<ms::PublishOutcome> {
      std::lock_guard lock(mu_);
      if (!subscribed_) {
        return core::MakeError(core::ErrorCode::kFailedPrecondition, "no subscription");
      }
      sent_.emplace_back(id, std::move(m));
      return ms::PublishOutcome::kSent;
    });
  }

  void SetSubscribed(bool subscribed) {
    std::lock_guard lock(mu_);
    subscribed_ = subscribed;
  }

  // Topics and payloads sent so far, taken.
  std::vector<std::pair<std::string, std::string>> TakeSent() {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [id, m] : sent_) {
      out.emplace_back(m.topic, std::string(m.payload.begin(), m.payload.end()));
    }
    sent_.clear();
    return out;
  }

  // Polls until `n` messages were sent or ten seconds pass.
  bool WaitForSent(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (sent_.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  ms::Sender Sender() const { return ms::Sender{id_, "d1", false, false}; }

  mqtt::ReasonCode Publish(std::string topic, std::string_view payload) {
    ms::Message m;
    m.topic = std::move(topic);
    m.payload.assign(payload.begin(), payload.end());
    m.qos = mqtt::QoS::kAtLeastOnce;
    return contract_->OnPublish(Sender(), m);
  }

  ms::ConnectInfo Connect() const {
    ms::ConnectInfo info;
    info.device_id = id_;
    info.device_name = "d1";
    info.address = "127.0.0.1:40000";
    info.transport = "tcp";
    return info;
  }

  core::FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<DeviceContract> contract_;
  core::DeviceId id_ = 0;
  const core::Actor operator_{2, "ops", core::Role::kOperator};

  std::mutex mu_;
  bool subscribed_ = true;
  std::vector<std::pair<core::DeviceId, ms::Message>> sent_;
};

}  // namespace custos::mqtt_contract
