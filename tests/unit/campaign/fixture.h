// The campaign manager under test: the real SQLite store in a temporary directory, a fake
// clock, the registry, event bus and operations engine, and a fake MQTT deliverer that takes
// every operation at once. Neither the engine nor the manager has a driver thread: tests
// move the clock and call Poll(), and play the devices by reporting results to the engine.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <random>

#include "campaign/campaign.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::campaign::testing {

inline constexpr core::TimeMs kStart = 1'700'000'000'000;

class FakeDeliverer final : public ops::Deliverer {
 public:
  std::string_view Protocol() const override { return "mqtt"; }
  bool Supports(core::OperationKind) const override { return true; }
  bool Reachable(const core::Device&) const override { return reachable_; }
  void Deliver(const core::Operation& op, const core::Device&) override {
    std::lock_guard lock(mu_);
    sent_.push_back(op);
  }
  void Cancel(const core::Operation& op, const core::Device&) override {}
  // Operations delivered since the last call.
  std::vector<core::Operation> TakeSent() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }
  bool reachable_ = true;

 private:
  std::mutex mu_;
  std::vector<core::Operation> sent_;
};

class CampaignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-campaign-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    Open();
  }

  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_, 4096, 100'000);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    ASSERT_TRUE(registry_->Load());
    ops::EngineOptions engine_options;
    engine_options.driver_thread = false;
    engine_options.retry_initial_ms = 1'000;
    engine_options.retry_max_ms = 4'000;
    engine_options.max_attempts = 4;
    engine_ = std::make_unique<ops::Engine>(
        ops::EngineServices{*store_, *registry_, *events_, clock_}, engine_options);
    engine_->AddDeliverer(deliverer_);
    ASSERT_TRUE(engine_->Start());
    ManagerOptions options_m;
    options_m.driver_thread = false;
    manager_ = std::make_unique<Manager>(
        ManagerServices{*store_, *registry_, *events_, clock_, *engine_}, options_m);
    auto started = manager_->Start();
    ASSERT_TRUE(started) << started.error().message;
  }

  void Close() {
    manager_.reset();
    engine_.reset();
    registry_.reset();
    if (store_) store_->Close();
    store_.reset();
    events_.reset();
  }

  // Everything stops and starts again on the same database, as after kill -9.
  void Restart() {
    Close();
    deliverer_.TakeSent();
    Open();
  }

  std::vector<core::DeviceId> CreateDevices(int n, const std::string& prefix = "dev",
                                            core::Labels labels = {}) {
    std::vector<core::DeviceId> ids;
    for (int i = 0; i < n; ++i) {
      core::Device d;
      d.name = prefix + "-" + std::to_string(i);
      d.protocol = "mqtt";
      d.labels = labels;
      auto created = registry_->CreateDevice(actor_, d);
      EXPECT_TRUE(created) << created.error().message;
      if (created) ids.push_back(created->id);
    }
    return ids;
  }

  // A spec over the devices whose name starts with "dev" unless `json` says otherwise.
  Spec MakeSpec(const std::string& rollout, const std::string& thresholds = "{}",
                const std::string& extra = "") {
    std::string text = R"({"name":"c","selector":{"filter":"name ~ \"dev-*\""},)"
                       R"("operation":{"kind":"reboot"},"rollout":)" +
                       rollout + R"(,"thresholds":)" + thresholds + extra + "}";
    auto spec = ParseSpec(text);
    EXPECT_TRUE(spec) << spec.error().message << " in " << text;
    return spec ? *spec : Spec{};
  }

  std::int64_t Launch(Spec spec) {
    auto created = manager_->Create(actor_, std::move(spec));
    EXPECT_TRUE(created) << created.error().message;
    engine_->Poll();  // the driver takes up the operations the campaign created
    return created ? created->record.id : 0;
  }

  // The engine, the manager, the engine again (the manager's step may have created
  // operations: the driver is woken for them), and the manager again (for their events).
  void Poll() {
    engine_->Poll();
    manager_->Poll();
    engine_->Poll();
    manager_->Poll();
  }

  // Resumes the campaign; the driver then takes up what it created.
  core::Result<CampaignView> Resume(std::int64_t id) {
    auto resumed = manager_->Resume(actor_, id);
    engine_->Poll();
    return resumed;
  }

  // The device takes the operation and reports how it went.
  void Finish(const core::Operation& op, ops::DeviceOutcome outcome) {
    engine_->OnDelivered(op.device_id, op.id);
    engine_->OnResult(op.device_id, op.id, outcome, "{}");
  }
  void FinishAll(const std::vector<core::Operation>& sent, ops::DeviceOutcome outcome) {
    for (const auto& op : sent) Finish(op, outcome);
  }

  CampaignView View(std::int64_t id) {
    auto view = manager_->Get(id);
    EXPECT_TRUE(view) << view.error().message;
    return view ? *view : CampaignView{};
  }
  std::int64_t Count(std::int64_t id, const std::string& outcome) {
    auto view = View(id);
    auto it = view.counts.find(outcome);
    return it == view.counts.end() ? 0 : it->second;
  }
  std::vector<std::string> TimelineKinds(std::int64_t id) {
    std::vector<std::string> kinds;
    for (const auto& e : View(id).timeline) kinds.push_back(e.kind);
    return kinds;
  }
  // Every operation of the campaign in the store.
  std::vector<core::Operation> Operations(std::int64_t id) {
    core::OperationQuery q;
    q.campaign_id = id;
    q.limit = 1000;
    auto page = store_->ListOperations(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->operations : std::vector<core::Operation>{};
  }

  std::filesystem::path dir_;
  core::FakeClock clock_{kStart};
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  FakeDeliverer deliverer_;
  std::unique_ptr<ops::Engine> engine_;
  std::unique_ptr<Manager> manager_;
  core::Actor actor_{1, "alice", core::Role::kOperator};
};

}  // namespace custos::campaign::testing
