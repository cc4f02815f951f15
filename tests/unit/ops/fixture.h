// The engine under test: the real SQLite store in a temporary directory, a fake clock, the
// registry and event bus, and a fake deliverer for protocol "mqtt" whose reachability the
// test sets. The engine has no driver thread: tests move the clock and call Poll().
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>

#include "ops/ops.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::ops::testing {

inline constexpr core::TimeMs kStart = 1'700'000'000'000;

class FakeDeliverer final : public Deliverer {
 public:
  struct Sent {
    std::int64_t id;
    int attempts;
  };

  std::string_view Protocol() const override { return "mqtt"; }
  bool Supports(core::OperationKind kind) const override {
    return kind != core::OperationKind::kRead && kind != core::OperationKind::kWrite;
  }
  bool Reachable(const core::Device& device) const override {
    std::lock_guard lock(mu_);
    return reachable_.count(device.id) > 0;
  }
  void Deliver(const core::Operation& op, const core::Device& device) override {
    std::lock_guard lock(mu_);
    sent_.push_back({op.id, op.attempts});
  }
  void Cancel(const core::Operation& op, const core::Device& device) override {
    std::lock_guard lock(mu_);
    cancelled_.push_back(op.id);
  }

  void SetReachable(core::DeviceId id, bool reachable) {
    std::lock_guard lock(mu_);
    if (reachable) {
      reachable_.insert(id);
    } else {
      reachable_.erase(id);
    }
  }
  std::vector<Sent> TakeSent() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }
  std::vector<std::int64_t> cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }

 private:
  mutable std::mutex mu_;
  std::set<core::DeviceId> reachable_;
  std::vector<Sent> sent_;
  std::vector<std::int64_t> cancelled_;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("custos-ops-" + std::to_string(::getpid()) +
                                                     "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    OpenStore();
    options_.driver_thread = false;
    options_.retry_initial_ms = 1'000;
    options_.retry_max_ms = 4'000;
    options_.max_attempts = 4;
    options_.default_timeout_ms = 3'600'000;
    StartEngine();
    device_ = CreateDevice("pump-1");
    deliverer_.SetReachable(device_.id, true);
    events_sub_ = events_->Subscribe({{}, {"operation.*"}});
  }

  void TearDown() override {
    events_sub_.reset();
    engine_.reset();
    registry_.reset();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }

  void OpenStore() {
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    ASSERT_TRUE(registry_->Load());
  }

  void StartEngine() {
    engine_ =
        std::make_unique<Engine>(EngineServices{*store_, *registry_, *events_, clock_}, options_);
    engine_->AddDeliverer(deliverer_);
    auto started = engine_->Start();
    ASSERT_TRUE(started) << started.error().message;
  }

  // Stops everything and starts again on the same database, as after a crash.
  void Restart() {
    events_sub_.reset();
    engine_.reset();
    registry_.reset();
    store_->Close();
    store_.reset();
    OpenStore();
    deliverer_.TakeSent();
    StartEngine();
    events_sub_ = events_->Subscribe({{}, {"operation.*"}});
  }

  core::Device CreateDevice(std::string name, std::string protocol = "mqtt") {
    core::Device d;
    d.name = std::move(name);
    d.protocol = std::move(protocol);
    auto created = registry_->CreateDevice(operator_, d);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : core::Device{};
  }

  void ReportBattery(core::DeviceId id, int level, std::string power = "battery") {
    core::DeviceReport report;
    report.battery_level = level;
    report.power_source = std::move(power);
    auto reported = registry_->ReportDevice(id, report);
    ASSERT_TRUE(reported) << reported.error().message;
  }

  core::Operation Create(core::OperationKind kind, OnConflict on_conflict = OnConflict::kWait,
                         std::string parameters = "{}") {
    OperationRequest r;
    r.device_id = device_.id;
    r.kind = kind;
    r.on_conflict = on_conflict;
    r.parameters_json = std::move(parameters);
    return CreateRequest(r);
  }

  core::Operation CreateRequest(const OperationRequest& r) {
    auto created = engine_->Create(operator_, r);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : core::Operation{};
  }

  core::Operation Stored(std::int64_t id) {
    auto op = store_->GetOperation(id);
    EXPECT_TRUE(op) << op.error().message;
    return op ? *op : core::Operation{};
  }

  // "state" or "waiting:guard" of a stored operation.
  std::string StateOf(std::int64_t id) {
    core::Operation op = Stored(id);
    std::string s = core::ToString(op.state);
    if (!op.waiting_for.empty()) s += ":" + op.waiting_for;
    return s;
  }

  // The operation events since the last call, as "type state".
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    while (auto e = events_sub_->Next(0)) {
      auto data = boost::json::parse(e->data_json).as_object();
      std::string line = e->type + " " + std::string(data.at("state").as_string());
      if (!data.at("waiting_for").as_string().empty()) {
        line += ":" + std::string(data.at("waiting_for").as_string());
      }
      out.push_back(line);
    }
    return out;
  }

  std::filesystem::path dir_;
  core::FakeClock clock_{kStart};
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  EngineOptions options_;
  FakeDeliverer deliverer_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<core::EventSubscription> events_sub_;
  core::Actor operator_{1, "alice", core::Role::kOperator};
  core::Device device_;
};

}  // namespace custos::ops::testing
