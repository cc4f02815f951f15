#include "lwm2m/server/registration_journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>

#include "core/core.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::lwm2m::server {
namespace {

// The journal over a real SQLite store. Its thread is held inside a provisioning batch while
// the test queues more work, so that what one batch carries does not depend on timing.
class RegistrationJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-journal-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    for (int i = 0; i < 100; ++i) {
      core::Device d;
      d.name = "ep-" + std::to_string(i);
      auto created = store_->CreateDevice(d, core::AuditEntry{});
      ASSERT_TRUE(created);
      devices_.push_back(*created);
    }
    journal_ = std::make_unique<RegistrationJournal>(
        *store_, [this](const std::vector<std::string>& endpoints) {
          batches_.push_back(endpoints);
          if (batches_.size() == 1) {
            entered_.set_value();
            release_.get_future().wait();
          }
          std::vector<core::Result<core::Device>> out;
          for (const auto& e : endpoints) out.push_back(store_->GetDeviceByName(e));
          return out;
        });
  }

  void TearDown() override {
    journal_.reset();
    store_->Close();
    std::filesystem::remove_all(dir_);
  }

  core::Lwm2mRegistrationRecord Record(const core::Device& d) {
    core::Lwm2mRegistrationRecord r;
    r.id = "id-" + d.name;
    r.endpoint = d.name;
    r.device_id = d.id;
    r.peer = "127.0.0.1:5683";
    return r;
  }

  core::FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::vector<core::Device> devices_;
  std::promise<void> entered_;  // the journal's thread is in its first provisioning batch
  std::promise<void> release_;
  std::vector<std::vector<std::string>> batches_;  // the journal thread's only
  std::unique_ptr<RegistrationJournal> journal_;
};

TEST_F(RegistrationJournalTest, WhatArrivesDuringABatchSharesTheNextOne) {
  std::promise<void> first_in;
  journal_->Provision("ep-0", [&](core::Result<core::Device> d) {
    EXPECT_TRUE(d);
    first_in.set_value();
  });
  entered_.get_future().wait();
  std::atomic<int> provisioned{0};
  std::atomic<int> written{0};
  // The journal's thread is held in the first batch; all of this waits for the next.
  for (int i = 1; i < 100; ++i) {
    journal_->Provision("ep-" + std::to_string(i), [&](core::Result<core::Device> d) {
      EXPECT_TRUE(d);
      ++provisioned;
    });
  }
  for (const auto& d : devices_) {
    journal_->Write(core::Lwm2mRegistrationChange::Put(Record(d)), [&](core::Result<void> r) {
      EXPECT_TRUE(r) << r.error().message;
      ++written;
    });
  }
  const auto batches_before = store_->Stats().write_batches;
  release_.set_value();
  first_in.get_future().wait();
  journal_->Sync();
  EXPECT_EQ(provisioned.load(), 99);
  EXPECT_EQ(written.load(), 100);
  // One provisioning call for the 99 that waited, one store transaction for the 100 writes.
  ASSERT_EQ(batches_.size(), 2u);
  EXPECT_EQ(batches_[1].size(), 99u);
  EXPECT_EQ(store_->Stats().write_batches, batches_before + 1);
  auto stored = store_->ListLwm2mRegistrations("", 1000);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 100u);
}

TEST_F(RegistrationJournalTest, ChangesAreWrittenInOrderAndCloseDrains) {
  release_.set_value();
  const core::Device& d = devices_[0];
  journal_->Write(core::Lwm2mRegistrationChange::Put(Record(d)), {});
  journal_->Write(core::Lwm2mRegistrationChange::Remove("id-" + d.name), {});
  auto again = Record(d);
  again.id = "second";
  journal_->Write(core::Lwm2mRegistrationChange::Put(again), {});
  journal_->Close();
  auto stored = store_->ListLwm2mRegistrations("", 10);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].id, "second");
  // After Close, a write is refused at once.
  bool refused = false;
  journal_->Write(core::Lwm2mRegistrationChange::Remove("second"),
                  [&](core::Result<void> r) { refused = !r; });
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace custos::lwm2m::server
