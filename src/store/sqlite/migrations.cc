#include "store/sqlite/migrations.h"

#include <fmt/format.h>

#include <string>

namespace custos::store::sqlite {
namespace {

core::Result<int> CurrentVersion(Connection& db) {
  auto select = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!select) return tl::unexpected(select.error());
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(select->Int(0));
}

core::Result<void> Apply(Connection& db, const Migration& migration, core::TimeMs now) {
  for (std::string_view step : migration.steps) {
    if (auto r = db.Exec(std::string(step).c_str()); !r) {
      core::Error error = r.error();
      error.message = fmt::format("migration {}: {}", migration.version, error.message);
      return tl::unexpected(std::move(error));
    }
  }
  auto record = db.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
  if (!record) return tl::unexpected(record.error());
  record->Bind(1, std::int64_t{migration.version}).Bind(2, now);
  return record->Run();
}

// Runs `body` inside BEGIN IMMEDIATE .. COMMIT, rolling back on any error.
template <class F>
auto InTransaction(Connection& db, F&& body) -> decltype(body()) {
  if (auto r = db.Exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
  auto result = body();
  if (result) {
    if (auto r = db.Exec("COMMIT"); !r) result = tl::unexpected(r.error());
  }
  if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
  return result;
}

}  // namespace

core::Result<int> ApplyMigrations(Connection& db, std::span<const Migration> migrations,
                                  core::TimeMs now) {
  int last_known = 0;
  for (const Migration& m : migrations) {
    if (m.version <= last_known) {
      return core::MakeError(core::ErrorCode::kInternal,
                             fmt::format("migration {} is out of order", m.version));
    }
    last_known = m.version;
  }
  auto created = db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  if (!created) return tl::unexpected(created.error());

  auto current = InTransaction(db, [&] { return CurrentVersion(db); });
  if (!current) return current;
  if (*current > last_known) {
    return core::MakeError(
        core::ErrorCode::kFailedPrecondition,
        fmt::format("database schema version {} is newer than this binary knows ({})", *current,
                    last_known));
  }
  for (const Migration& m : migrations) {
    // Re-read inside each transaction: another process may have migrated meanwhile.
    auto applied = InTransaction(db, [&]() -> core::Result<int> {
      auto version = CurrentVersion(db);
      if (!version) return version;
      if (*version >= m.version) return *version;
      if (auto r = Apply(db, m, now); !r) return tl::unexpected(r.error());
      return m.version;
    });
    if (!applied) return applied;
  }
  return last_known;
}

}  // namespace custos::store::sqlite
