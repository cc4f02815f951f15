// The store contract suite: what every core::Store implementation must do, as value-
// parameterised GoogleTest tests (StoreContractTest, in store_contract_*_test.cc).
//
// An implementation joins by instantiating the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(StoreFactory(&OpenMyStore)));
//
// Every call of the factory within one test must open the SAME storage (so that closing and
// reopening sees what was acknowledged), and every test must start from empty storage.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace custos::store::contract {

using StoreFactory = std::function<std::unique_ptr<core::Store>(core::Clock&)>;

inline constexpr core::TimeMs kStart = 1'700'000'000'000;

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()(clock_);
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    if (store_) store_->Close();
  }

  // Closes the store and opens the same storage again.
  void Reopen() {
    store_->Close();
    store_.reset();
    store_ = GetParam()(clock_);
    ASSERT_NE(store_, nullptr);
  }

  core::Store& store() { return *store_; }

  static core::AuditEntry Audit(std::string action, std::string target_type = "device",
                                std::string target_id = "") {
    core::AuditEntry e;
    e.actor = "tester";
    e.actor_token_id = 7;
    e.action = std::move(action);
    e.target_type = std::move(target_type);
    e.target_id = std::move(target_id);
    e.details_json = R"({"why":"test"})";
    return e;
  }

  static core::Device NewDevice(std::string name, core::Labels labels = {}) {
    core::Device d;
    d.name = std::move(name);
    d.protocol = "lwm2m";
    d.labels = std::move(labels);
    return d;
  }

  // Creates a device or fails the test.
  core::Device Create(core::Device d) {
    auto created = store_->CreateDevice(std::move(d), Audit("device.create"));
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : core::Device{};
  }
  core::Device Create(std::string name, core::Labels labels = {}) {
    return Create(NewDevice(std::move(name), std::move(labels)));
  }

  static core::Group NewGroup(std::string name) {
    core::Group g;
    g.name = std::move(name);
    return g;
  }

  // Parses a filter (kept alive by the fixture) or fails the test.
  const core::filter::Expr* Filter(std::string_view text) {
    auto parsed = core::filter::Parse(text);
    EXPECT_TRUE(parsed) << text << ": " << parsed.error().message;
    filters_.push_back(
        std::make_unique<core::filter::Expr>(parsed ? *parsed : core::filter::Expr{}));
    return filters_.back().get();
  }

  // Names of the devices ListDevices returns for `query`, over every page.
  std::vector<std::string> ListAllNames(core::DeviceQuery query) {
    std::vector<std::string> names;
    for (int page = 0; page < 10000; ++page) {
      auto listed = store_->ListDevices(query);
      EXPECT_TRUE(listed) << listed.error().message;
      if (!listed) break;
      for (const core::Device& d : listed->devices) names.push_back(d.name);
      if (listed->next_cursor.empty()) break;
      query.after = listed->next_cursor;
    }
    return names;
  }

  std::size_t AuditCount() {
    core::AuditQuery q;
    q.limit = 1000;
    auto entries = store_->ListAudit(q);
    EXPECT_TRUE(entries) << entries.error().message;
    return entries ? entries->size() : 0;
  }

  core::FakeClock clock_{kStart};
  std::unique_ptr<core::Store> store_;
  std::vector<std::unique_ptr<core::filter::Expr>> filters_;
};

}  // namespace custos::store::contract
