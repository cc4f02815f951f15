// Schema migrations on their own, with migration lists made up for the test.
#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace custos::store::sqlite {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("custos-migrations-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, 1000, false);
    ASSERT_TRUE(conn) << conn.error().message;
    db_ = std::move(*conn);
  }
  void TearDown() override {
    db_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  std::int64_t Scalar(const char* sql) {
    auto s = db_->Prepare(sql);
    EXPECT_TRUE(s) << s.error().message;
    if (!s) return -1;
    auto row = s->Step();
    return row && *row ? s->Int(0) : -1;
  }

  bool TableExists(const std::string& name) {
    auto s = db_->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    s->Bind(1, std::string_view(name));
    auto row = s->Step();
    return row && *row;
  }

  std::filesystem::path path_;
  std::unique_ptr<Connection> db_;
};

const Migration kV1{1, {"CREATE TABLE a (x INTEGER)", "INSERT INTO a VALUES (1)"}};
const Migration kV2{2, {"CREATE TABLE b (y INTEGER)"}};

TEST_F(MigrationsTest, AppliesEachMigrationOnceInOrder) {
  const Migration v1_only[] = {kV1};
  auto version = ApplyMigrations(*db_, v1_only, 100);
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, 1);
  EXPECT_TRUE(TableExists("a"));
  EXPECT_FALSE(TableExists("b"));

  const Migration both[] = {kV1, kV2};
  version = ApplyMigrations(*db_, both, 200);
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, 2);
  EXPECT_TRUE(TableExists("b"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM a"), 1);  // v1 was not run again
  EXPECT_EQ(Scalar("SELECT applied_at FROM schema_migrations WHERE version = 1"), 100);
  EXPECT_EQ(Scalar("SELECT applied_at FROM schema_migrations WHERE version = 2"), 200);

  version = ApplyMigrations(*db_, both, 300);
  ASSERT_TRUE(version);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM schema_migrations"), 2);
}

TEST_F(MigrationsTest, FailingStepRollsItsMigrationBack) {
  const Migration v1_only[] = {kV1};
  ASSERT_TRUE(ApplyMigrations(*db_, v1_only, 100));
  const Migration broken{2, {"CREATE TABLE c (z INTEGER)", "INSERT INTO nowhere VALUES (1)"}};
  const Migration with_broken[] = {kV1, broken};
  auto version = ApplyMigrations(*db_, with_broken, 200);
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("migration 2"), std::string::npos)
      << version.error().message;
  EXPECT_FALSE(TableExists("c"));
  EXPECT_EQ(Scalar("SELECT MAX(version) FROM schema_migrations"), 1);
  EXPECT_TRUE(db_->InAutocommit());  // no transaction left open
}

TEST_F(MigrationsTest, NewerDatabaseIsFailedPrecondition) {
  const Migration both[] = {kV1, kV2};
  ASSERT_TRUE(ApplyMigrations(*db_, both, 100));
  const Migration v1_only[] = {kV1};
  auto version = ApplyMigrations(*db_, v1_only, 200);
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code, core::ErrorCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, OutOfOrderListIsRefused) {
  const Migration reversed[] = {kV2, kV1};
  EXPECT_FALSE(ApplyMigrations(*db_, reversed, 100));
  EXPECT_FALSE(TableExists("a"));
}

TEST_F(MigrationsTest, TheStoreSchemaAppliesToAnEmptyDatabase) {
  auto version = ApplyMigrations(*db_, SchemaMigrations(), 1);
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, SchemaMigrations().back().version);
  for (const char* table :
       {"devices", "device_labels", "groups", "group_members", "credentials", "tokens", "audit"}) {
    EXPECT_TRUE(TableExists(table)) << table;
  }
}

}  // namespace
}  // namespace custos::store::sqlite
