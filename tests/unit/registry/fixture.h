#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/core.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::core {

// A registry and token service over a fresh SQLite store, with a fake clock.
class RegistryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-registry-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<EventBus>(clock_);
    registry_ = std::make_unique<Registry>(*store_, *events_, clock_);
    tokens_ = std::make_unique<TokenService>(*store_, clock_);
    ASSERT_TRUE(registry_->Load());
    sub_ = events_->Subscribe({});
  }

  void TearDown() override {
    sub_.reset();
    registry_.reset();
    tokens_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Device NewDevice(const std::string& name) {
    Device d;
    d.name = name;
    return d;
  }

  std::vector<std::string> EventTypes() {
    std::vector<std::string> out;
    while (auto e = sub_->Next(0)) out.push_back(e->type);
    return out;
  }

  FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EventBus> events_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<TokenService> tokens_;
  std::shared_ptr<EventSubscription> sub_;
  const Actor admin_{1, "admin", Role::kAdmin};
  const Actor operator_{2, "ops", Role::kOperator};
  const Actor viewer_{3, "viewer", Role::kViewer};
};

}  // namespace custos::core
