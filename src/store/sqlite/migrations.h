// Versioned schema migrations. Internal to the SQLite store.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

struct Migration {
  int version = 0;                      // 1, 2, 3, ... in order
  std::vector<std::string_view> steps;  // SQL statements, applied in order
};

// The store's own schema history (schema.cc). Append only: never edit a released migration.
std::span<const Migration> SchemaMigrations();

// Brings the database up to the last of `migrations`, each migration in its own transaction
// together with its row in schema_migrations(version, applied_at). Returns the resulting
// schema version. kFailedPrecondition if the database is already at a version newer than the
// last one given; a failing step rolls its migration back and returns the step's error.
core::Result<int> ApplyMigrations(Connection& db, std::span<const Migration> migrations,
                                  core::TimeMs now);

}  // namespace custos::store::sqlite
