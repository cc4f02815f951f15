// The store contract suite on SQLite, and what only the SQLite store promises: migrations,
// WAL, reopening, cursor validation, never-reused ids, failed transactions.
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "store_contract.h"

namespace custos::store {
namespace {

using core::ErrorCode;

core::AuditEntry Audit(std::string action) {
  core::AuditEntry e;
  e.actor = "tester";
  e.action = std::move(action);
  e.target_type = "device";
  return e;
}

// A directory per test under one per-process root, removed when the program ends.
std::filesystem::path TestDirectory() {
  static const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("custos-store-test-" + std::to_string(getpid()));
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  std::filesystem::path dir = root / name;
  std::filesystem::create_directories(dir);
  return dir;
}

class RemoveTestRoot : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::temp_directory_path() / ("custos-store-test-" + std::to_string(getpid())),
        ec);
  }
};
const auto* const kRemoveTestRoot = ::testing::AddGlobalTestEnvironment(new RemoveTestRoot);

SqliteOptions Options(core::Clock& clock) {
  SqliteOptions options;
  options.path = TestDirectory() / "custos.db";
  options.clock = &clock;
  options.synchronous_full = false;  // durability across process crashes is not under test
  return options;
}

std::unique_ptr<core::Store> OpenForContract(core::Clock& clock) {
  auto store = OpenSqliteStore(Options(clock));
  EXPECT_TRUE(store) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

}  // namespace

namespace contract {
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreFactory(&OpenForContract)));
}  // namespace contract

namespace {

// Raw access to the database file, as another process would have.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { options_ = Options(clock_); }

  std::unique_ptr<core::Store> Open() {
    auto store = OpenSqliteStore(options_);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  core::FakeClock clock_{contract::kStart};
  SqliteOptions options_;
};

core::Device Named(std::string name) {
  core::Device d;
  d.name = std::move(name);
  return d;
}

TEST_F(SqliteStoreTest, FreshDatabaseIsMigratedAndInWalMode) {
  Open()->Close();
  RawDb raw(options_.path);
  const auto migrations = sqlite::SchemaMigrations();
  EXPECT_EQ(raw.Text("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(migrations.size()));
  EXPECT_EQ(raw.Text("SELECT MAX(version) FROM schema_migrations"),
            std::to_string(migrations.back().version));
  EXPECT_EQ(raw.Text("SELECT applied_at FROM schema_migrations"), std::to_string(contract::kStart));
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, ReopeningDoesNotReapplyMigrations) {
  Open()->Close();
  clock_.Advance(1000);
  auto store = Open();
  ASSERT_TRUE(store);
  store->Close();
  RawDb raw(options_.path);
  EXPECT_EQ(raw.Text("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(sqlite::SchemaMigrations().size()));
  EXPECT_EQ(raw.Text("SELECT applied_at FROM schema_migrations"), std::to_string(contract::kStart));
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  Open()->Close();
  {
    RawDb raw(options_.path);
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (999, 0)"), SQLITE_OK);
  }
  auto store = OpenSqliteStore(options_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message.find("999"), std::string::npos) << store.error().message;
}

TEST_F(SqliteStoreTest, MissingDirectoryIsUnavailable) {
  options_.path = TestDirectory() / "no" / "such" / "dir" / "custos.db";
  auto store = OpenSqliteStore(options_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
}

TEST_F(SqliteStoreTest, NotADatabaseIsRefused) {
  { std::ofstream(options_.path) << std::string(8192, 'x'); }
  auto store = OpenSqliteStore(options_);
  ASSERT_FALSE(store);
  EXPECT_FALSE(store.error().message.empty());
}

TEST_F(SqliteStoreTest, PlannerStatisticsAreRefreshedOnOpenWhenTheFleetDoubles) {
  int next = 0;
  auto import = [&](core::Store& store, int count) {
    std::vector<core::Device> rows;
    for (int i = 0; i < count; ++i) rows.push_back(Named(fmt::format("d{:06}", next++)));
    ASSERT_TRUE(store.ImportDevices(std::move(rows), 1, core::ConflictPolicy::kFail,
                                    Audit("device.import")));
  };
  auto stat = [&] {
    RawDb raw(options_.path);
    return raw.Text("SELECT stat FROM sqlite_stat1 WHERE idx = 'devices_manufacturer'");
  };
  auto store = Open();
  import(*store, 9'000);
  store->Close();
  store = Open();  // too few devices to bother
  import(*store, 3'000);
  store->Close();
  EXPECT_EQ(stat(), "");
  store = Open();  // 12,000 devices and no statistics: analysed now
  import(*store, 1'000);
  store->Close();
  EXPECT_EQ(stat(), "12000 12000");
  store = Open();  // 13,000: not stale yet
  import(*store, 12'000);
  store->Close();
  EXPECT_EQ(stat(), "12000 12000");
  store = Open();  // 25,000: more than doubled
  store->Close();
  EXPECT_EQ(stat(), "25000 25000");
}

TEST_F(SqliteStoreTest, IdsAreNeverReused) {
  auto store = Open();
  auto a = store->CreateDevice(Named("a"), Audit("device.create"));
  auto b = store->CreateDevice(Named("b"), Audit("device.create"));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(store->DeleteDevice(b->id, Audit("device.delete")));
  store->Close();
  store = Open();
  auto c = store->CreateDevice(Named("c"), Audit("device.create"));
  ASSERT_TRUE(c);
  EXPECT_GT(c->id, b->id);
}

TEST_F(SqliteStoreTest, GarbledCursorsAreInvalidArgument) {
  auto store = Open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->CreateDevice(Named("d" + std::to_string(i)), Audit("device.create")));
  }
  core::DeviceQuery q;
  q.sort = "name";
  q.limit = 2;
  auto page = store->ListDevices(q);
  ASSERT_TRUE(page);
  const std::string good = page->next_cursor;
  ASSERT_FALSE(good.empty());

  std::vector<std::string> bad = {
      "", "=", "a", "AAAA", "!!!!", good + "A", good.substr(1), good.substr(0, good.size() - 1)};
  std::string flipped = good;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  bad.push_back(flipped);
  for (const std::string& cursor : bad) {
    if (cursor.empty()) continue;  // "" means the first page
    q.after = cursor;
    auto r = store->ListDevices(q);
    ASSERT_FALSE(r) << "accepted cursor '" << cursor << "'";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << cursor;
  }
  q.after = good;
  q.descending = true;  // a cursor for the other direction
  EXPECT_EQ(store->ListDevices(q).error().code, ErrorCode::kInvalidArgument);
}

// Another process holds the write lock: the writer's transaction cannot begin, every call in
// it fails with kUnavailable and leaves nothing behind, and the store recovers afterwards.
TEST_F(SqliteStoreTest, FailedTransactionFailsItsCallsAndTheStoreRecovers) {
  options_.busy_timeout_ms = 1;
  auto store = Open();
  ASSERT_TRUE(store);
  {
    RawDb other(options_.path);
    ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
    auto blocked = store->CreateDevice(Named("blocked"), Audit("device.create"));
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(store->Stats().write_failures, 1u);
    ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  }
  EXPECT_EQ(store->GetDeviceByName("blocked").error().code, ErrorCode::kNotFound);
  auto later = store->CreateDevice(Named("later"), Audit("device.create"));
  ASSERT_TRUE(later) << later.error().message;
  core::AuditQuery q;
  EXPECT_EQ(store->ListAudit(q)->size(), 1u);
}

// Labels and static groups are tested per device when common, and are the starting point of
// the query when rare (a count decides, at a few thousand devices); both give the same answer.
TEST_F(SqliteStoreTest, CommonAndRareLabelsAndGroupsSelectTheSameWayAcrossPages) {
  auto store = Open();
  ASSERT_TRUE(store);
  constexpr int kDevices = 6000;  // more than the threshold carry "common"
  std::vector<core::Device> rows;
  for (int i = 0; i < kDevices; ++i) {
    core::Device d = Named(fmt::format("d{:05}", i));
    d.labels["common"] = i % 10 == 0 ? "no" : "yes";
    if (i % 100 == 7) d.labels["rare"] = "yes";
    d.identity.model = i % 2 ? "odd" : "even";
    rows.push_back(std::move(d));
  }
  auto imported =
      store->ImportDevices(std::move(rows), 1, core::ConflictPolicy::kFail, Audit("device.import"));
  ASSERT_TRUE(imported) << imported.error().message;
  std::vector<core::DeviceId> ids;
  for (const auto& r : *imported) ids.push_back(r.id);
  core::Group big;
  big.name = "big";
  core::Group small;
  small.name = "small";
  auto g_big = store->CreateGroup(big, Audit("group.create"));
  auto g_small = store->CreateGroup(small, Audit("group.create"));
  ASSERT_TRUE(g_big && g_small);
  ASSERT_TRUE(store->AddGroupMembers(g_big->id, ids, Audit("group.members")));
  ASSERT_TRUE(store->AddGroupMembers(g_small->id, {ids[3], ids[4000]}, Audit("group.members")));

  struct Case {
    const char* filter;
    std::optional<core::GroupId> group;
    std::int64_t want;
  };
  const Case cases[] = {
      {R"(labels.common = "yes")", std::nullopt, 5400},
      {R"(labels.common = "yes" and model = "odd")", std::nullopt, 3000},
      {R"(labels.rare = "yes")", std::nullopt, 60},
      {R"(labels.rare exists and labels.common = "yes")", std::nullopt, 60},
      {R"(labels.rare exists and labels.common = "no")", std::nullopt, 0},
      {R"(labels.common ~ "y*")", g_big->id, 5400},
      {R"(model = "even")", g_small->id, 1},
      {"", g_big->id, kDevices},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.filter);
    std::optional<core::filter::Expr> expr;
    if (*c.filter) expr = *core::filter::Parse(c.filter);
    if (!c.group) {
      EXPECT_EQ(*store->CountDevices(expr ? &*expr : nullptr), c.want);
    }
    for (const char* sort : {"id", "name"}) {
      core::DeviceQuery q;
      q.filter = expr ? &*expr : nullptr;
      q.static_group = c.group;
      q.sort = sort;
      q.descending = true;
      q.limit = 1000;
      std::set<core::DeviceId> seen;
      std::int64_t listed = 0;
      for (int page = 0; page < 100; ++page) {
        auto p = store->ListDevices(q);
        ASSERT_TRUE(p) << p.error().message;
        for (const core::Device& d : p->devices) {
          seen.insert(d.id);
          ++listed;
          if (expr) {
            EXPECT_TRUE(core::filter::Matches(*expr, d)) << d.name;
          }
        }
        if (p->next_cursor.empty()) break;
        q.after = p->next_cursor;
      }
      EXPECT_EQ(listed, c.want) << sort;
      EXPECT_EQ(static_cast<std::int64_t>(seen.size()), c.want) << sort;
    }
  }
}

TEST_F(SqliteStoreTest, CloseDrainsWritesAlreadyQueued) {
  auto store = Open();
  ASSERT_TRUE(store);
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> acknowledged{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto r = store->CreateDevice(Named("t" + std::to_string(t) + "-" + std::to_string(i)),
                                     Audit("device.create"));
        if (!r) {
          EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
          return;
        }
        acknowledged.fetch_add(1);
      }
    });
  }
  store->Close();
  for (std::thread& t : threads) t.join();
  store = Open();
  EXPECT_EQ(*store->CountDevices(nullptr), acknowledged.load());
}

}  // namespace
}  // namespace custos::store
