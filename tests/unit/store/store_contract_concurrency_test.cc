// Store contract: concurrent writers are group-committed; acknowledged writes survive a reopen;
// a closed store refuses calls.
#include <fmt/format.h>

#include <thread>

#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ErrorCode;

core::Connectivity Online(std::string address) {
  core::Connectivity c;
  c.online = true;
  c.last_seen = kStart;
  c.address = std::move(address);
  return c;
}

TEST_P(StoreContractTest, ConcurrentCreatesAreAllStoredInFewerTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  const core::StoreStats before = store().Stats();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto created =
            store().CreateDevice(NewDevice(fmt::format("t{}-d{}", t, i)), Audit("device.create"));
        if (!created) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store().CountDevices(nullptr), kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_TRUE(store().GetDeviceByName(fmt::format("t{}-d{}", t, i)));
    }
  }
  const core::StoreStats after = store().Stats();
  const std::uint64_t ops = after.write_ops - before.write_ops;
  const std::uint64_t batches = after.write_batches - before.write_batches;
  EXPECT_GE(ops, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LT(batches, ops) << "group commit should carry several writes per transaction";
}

TEST_P(StoreContractTest, ConcurrentUpdatesOfOneDeviceSerialiseByVersion) {
  core::Device d = Create("contended");
  constexpr int kThreads = 4;
  std::atomic<int> won{0}, conflicted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      core::Device mine = d;  // all at version 1
      mine.identity.model = fmt::format("by-{}", t);
      auto r = store().UpdateDevice(mine, Audit("device.update"));
      if (r) won.fetch_add(1);
      if (!r && r.error().code == ErrorCode::kConflict) conflicted.fetch_add(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), kThreads - 1);
  EXPECT_EQ(store().GetDevice(d.id)->version, 2);
}

TEST_P(StoreContractTest, AcknowledgedWritesSurviveCloseAndReopen) {
  core::Device d = Create("sensor-1", {{"region", "eu"}});
  core::Credential c;
  c.device_id = d.id;
  c.kind = "psk";
  c.identity = "sensor-1";
  c.secret = "aa";
  ASSERT_TRUE(store().AddCredential(c, Audit("credential.add")));
  auto g = store().CreateGroup(NewGroup("g"), Audit("group.create", "group"));
  ASSERT_TRUE(g);
  ASSERT_TRUE(store().AddGroupMembers(g->id, {d.id}, Audit("group.members", "group")));
  core::OperatorToken t;
  t.name = "admin";
  t.role = core::Role::kAdmin;
  t.secret_hash = "hash";
  ASSERT_TRUE(store().CreateToken(t, Audit("token.create", "token")));
  auto imported = store().ImportDevices({NewDevice("imp-1"), NewDevice("imp-2")}, 1,
                                        core::ConflictPolicy::kFail, Audit("device.import"));
  ASSERT_TRUE(imported);
  ASSERT_TRUE(store().SaveConnectivity({{d.id, Online("a:1")}}));
  const std::size_t audits = AuditCount();

  Reopen();
  auto got = store().GetDevice(d.id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->labels, (core::Labels{{"region", "eu"}}));
  EXPECT_TRUE(got->connectivity.online);
  EXPECT_EQ(got->connectivity.address, "a:1");
  EXPECT_TRUE(store().FindCredential("psk", "sensor-1"));
  EXPECT_EQ(*store().GroupsOfDevice(d.id), std::vector<core::GroupId>{g->id});
  EXPECT_TRUE(store().FindTokenByHash("hash"));
  EXPECT_TRUE(store().GetDeviceByName("imp-2"));
  EXPECT_EQ(AuditCount(), audits);
  // Ids keep increasing after a reopen.
  EXPECT_GT(Create("after-reopen").id, imported->back().id);
}

TEST_P(StoreContractTest, ClosedStoreIsUnavailableAndCloseIsIdempotent) {
  core::Device d = Create("sensor-1");
  store().Close();
  store().Close();
  EXPECT_EQ(store().CreateDevice(NewDevice("late"), Audit("device.create")).error().code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(store().GetDevice(d.id).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store().ListDevices({}).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store().TouchToken(1, kStart).error().code, ErrorCode::kUnavailable);
}

TEST_P(StoreContractTest, StatsCountCommittedWrites) {
  const core::StoreStats before = store().Stats();
  Create("a");
  Create("b");
  const core::StoreStats after = store().Stats();
  EXPECT_EQ(after.write_ops - before.write_ops, 2u);
  EXPECT_EQ(after.write_batches - before.write_batches, 2u);  // one caller at a time
  EXPECT_GT(after.db_size_bytes, 0u);
}

}  // namespace
}  // namespace custos::store::contract
