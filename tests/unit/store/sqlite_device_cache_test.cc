// The SQLite store's device cache: GetDevice never answers with a device older than the last
// write that returned, whatever wrote it; and the cache's ticket rule on its own.
#include "store/sqlite/device_cache.h"
#include "store/sqlite/read_pool.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::store {
namespace {

using core::Device;
using core::LifecycleState;

core::AuditEntry Audit() {
  core::AuditEntry e;
  e.actor = "tester";
  e.action = "device.test";
  e.target_type = "device";
  return e;
}

Device Named(std::string name, core::Labels labels = {}) {
  Device d;
  d.name = std::move(name);
  d.identity.model = "M1";
  d.labels = std::move(labels);
  return d;
}

class SqliteDeviceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-device-cache-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    options.synchronous_full = false;
    auto opened = OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    if (store_) store_->Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Creates a device and reads it once, so that the cache holds it.
  Device CreateCached(std::string name, core::Labels labels = {}) {
    auto created = store_->CreateDevice(Named(std::move(name), std::move(labels)), Audit());
    EXPECT_TRUE(created) << created.error().message;
    auto read = store_->GetDevice(created->id);
    EXPECT_TRUE(read);
    auto again = store_->GetDevice(created->id);
    EXPECT_TRUE(again);
    return *again;
  }

  core::FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
};

TEST_F(SqliteDeviceCacheTest, UpdateIsSeenByTheNextRead) {
  Device d = CreateCached("a", {{"region", "eu"}});
  d.identity.model = "M2";
  d.labels = {{"region", "us"}, {"site", "s1"}};
  auto stored = store_->UpdateDevice(d, Audit());
  ASSERT_TRUE(stored) << stored.error().message;
  auto read = store_->GetDevice(d.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->identity.model, "M2");
  EXPECT_EQ(read->labels, (core::Labels{{"region", "us"}, {"site", "s1"}}));
  EXPECT_EQ(read->version, stored->version);
}

TEST_F(SqliteDeviceCacheTest, CachedDeviceAnswersOnlyWhatGetDeviceWouldAnswer) {
  auto created = store_->CreateDevice(Named("a", {{"region", "eu"}}), Audit());
  ASSERT_TRUE(created);
  EXPECT_FALSE(store_->CachedDevice(created->id));  // not read yet
  ASSERT_TRUE(store_->GetDevice(created->id));
  auto cached = store_->CachedDevice(created->id);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->name, "a");
  EXPECT_EQ(cached->labels, (core::Labels{{"region", "eu"}}));

  Device changed = *cached;
  changed.identity.serial = "S2";
  ASSERT_TRUE(store_->UpdateDevice(changed, Audit()));
  cached = store_->CachedDevice(created->id);
  if (cached) EXPECT_EQ(cached->identity.serial, "S2");
  ASSERT_TRUE(store_->DeleteDevice(created->id, Audit()));
  EXPECT_FALSE(store_->CachedDevice(created->id));
}

TEST_F(SqliteDeviceCacheTest, DisableIsSeenByTheNextRead) {
  Device d = CreateCached("a");
  d.state = LifecycleState::kDisabled;
  ASSERT_TRUE(store_->UpdateDevice(d, Audit()));
  auto read = store_->GetDevice(d.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state, LifecycleState::kDisabled);
}

TEST_F(SqliteDeviceCacheTest, RetireIsSeenByTheNextRead) {
  Device d = CreateCached("a");
  d.state = LifecycleState::kRetired;
  ASSERT_TRUE(store_->RetireDevice(d, Audit()));
  auto read = store_->GetDevice(d.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state, LifecycleState::kRetired);
}

TEST_F(SqliteDeviceCacheTest, DeletedDeviceIsNotFound) {
  Device d = CreateCached("a");
  ASSERT_TRUE(store_->DeleteDevice(d.id, Audit()));
  auto read = store_->GetDevice(d.id);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, core::ErrorCode::kNotFound);
}

TEST_F(SqliteDeviceCacheTest, ConnectivityWrittenBehindIsSeenByTheNextRead) {
  Device d = CreateCached("a");
  core::Connectivity c;
  c.online = true;
  c.last_seen = 1'700'000'000'500;
  c.address = "10.0.0.1:5683";
  ASSERT_TRUE(store_->SaveConnectivity({{d.id, c}}));
  auto read = store_->GetDevice(d.id);
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->connectivity.online);
  EXPECT_EQ(read->connectivity.address, "10.0.0.1:5683");
}

TEST_F(SqliteDeviceCacheTest, ImportMergeIsSeenByTheNextRead) {
  Device d = CreateCached("a", {{"region", "eu"}});
  std::vector<Device> rows{Named("a", {{"region", "apac"}})};
  rows[0].identity.model = "M9";
  auto results =
      store_->ImportDevices(std::move(rows), 1, core::ConflictPolicy::kUpdate, Audit());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_TRUE((*results)[0].updated);
  auto read = store_->GetDevice(d.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->identity.model, "M9");
  EXPECT_EQ(read->labels, (core::Labels{{"region", "apac"}}));
}

TEST_F(SqliteDeviceCacheTest, FailedWriteLeavesTheDeviceAsItWas) {
  Device a = CreateCached("a");
  CreateCached("b");
  Device renamed = a;
  renamed.name = "b";  // taken: the write fails and rolls back
  ASSERT_FALSE(store_->UpdateDevice(renamed, Audit()));
  auto read = store_->GetDevice(a.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->name, "a");
  EXPECT_EQ(read->version, a.version);
}

// Readers hammer one device while a writer changes it: once a write has returned, no later
// read may show an older version.
TEST_F(SqliteDeviceCacheTest, ReadsNeverGoBackBehindAReturnedWrite) {
  Device d = CreateCached("a");
  std::atomic<std::int64_t> returned{d.version};
  std::atomic<bool> done{false};
  std::atomic<int> stale{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const std::int64_t floor = returned.load();
        auto read = store_->GetDevice(d.id);
        if (!read || read->version < floor) stale.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    d.identity.serial = "S" + std::to_string(i);
    auto stored = store_->UpdateDevice(d, Audit());
    ASSERT_TRUE(stored) << stored.error().message;
    d = *stored;
    returned.store(d.version);
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0);
  auto last = store_->GetDevice(d.id);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->identity.serial, "S299");
}

TEST(DeviceCacheTest, PutAfterAnInvalidationSinceTheTicketIsRefused) {
  sqlite::DeviceCache cache(16, 0);
  Device d = Named("a");
  d.id = 7;
  const auto ticket = cache.Begin(d.id);
  cache.Invalidate(d.id);  // a write landed while the read was under way
  cache.Put(d, ticket);
  EXPECT_FALSE(cache.Get(d.id));
  cache.Put(d, cache.Begin(d.id));
  ASSERT_TRUE(cache.Get(d.id));
  EXPECT_EQ(cache.Get(d.id)->name, "a");
}

TEST(DeviceCacheTest, HoldsNoMoreThanItsCapacity) {
  sqlite::DeviceCache cache(32, 0);
  for (core::DeviceId id = 1; id <= 1000; ++id) {
    Device d = Named("d" + std::to_string(id));
    d.id = id;
    cache.Put(d, cache.Begin(id));
  }
  EXPECT_LE(cache.Size(), 32u);
  EXPECT_TRUE(cache.Get(1000));  // the newest stays
}

TEST(DeviceCacheTest, ZeroCapacityCachesNothing) {
  sqlite::DeviceCache cache(0, 0);
  Device d = Named("a");
  d.id = 1;
  cache.Put(d, cache.Begin(1));
  EXPECT_FALSE(cache.Get(1));
}

TEST_F(SqliteDeviceCacheTest, TryGetDeviceReadsAnUncachedDeviceAndCachesIt) {
  auto created = store_->CreateDevice(Named("a", {{"region", "eu"}}), Audit());
  ASSERT_TRUE(created);
  EXPECT_FALSE(store_->CachedDevice(created->id));
  auto read = store_->TryGetDevice(created->id);  // the pool's connections are all idle
  ASSERT_TRUE(read);
  ASSERT_TRUE(*read) << (*read).error().message;
  EXPECT_EQ((*read)->name, "a");
  EXPECT_EQ((*read)->labels, (core::Labels{{"region", "eu"}}));
  auto cached = store_->CachedDevice(created->id);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->version, (*read)->version);
}

TEST_F(SqliteDeviceCacheTest, TryGetDeviceSeesTheLastWriteAndAnswersNotFound) {
  Device d = CreateCached("a");
  d.identity.serial = "S9";
  ASSERT_TRUE(store_->UpdateDevice(d, Audit()));
  auto read = store_->TryGetDevice(d.id);
  ASSERT_TRUE(read && *read);
  EXPECT_EQ((*read)->identity.serial, "S9");
  ASSERT_TRUE(store_->DeleteDevice(d.id, Audit()));
  auto gone = store_->TryGetDevice(d.id);
  ASSERT_TRUE(gone);
  ASSERT_FALSE(*gone);
  EXPECT_EQ(gone->error().code, core::ErrorCode::kNotFound);
}

TEST_F(SqliteDeviceCacheTest, ReadPoolTryAcquireNeverWaits) {
  auto pool = sqlite::ReadPool::Open(dir_ / "custos.db", 1, 1000);
  ASSERT_TRUE(pool) << pool.error().message;
  {
    auto held = (*pool)->TryAcquire();
    ASSERT_TRUE(held);
    EXPECT_FALSE((*pool)->TryAcquire());  // the only connection is leased
  }
  EXPECT_TRUE((*pool)->TryAcquire());  // returned when the lease ended
  (*pool)->Close();
  EXPECT_FALSE((*pool)->TryAcquire());
}

}  // namespace
}  // namespace custos::store
