#include "store/sqlite/connection.h"

#include <fmt/format.h>

#include <mutex>
#include <utility>

namespace custos::store::sqlite {

using core::ErrorCode;

core::Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = fmt::format("{}: {}", context, detail);
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        code = ErrorCode::kAlreadyExists;
      } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        code = ErrorCode::kConflict;
      } else {
        code = ErrorCode::kInvalidArgument;
      }
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      code = ErrorCode::kUnavailable;
      break;
    default:
      break;
  }
  return core::Error{code, std::move(message), std::nullopt};
}

// ---- Statement

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), in_use_(std::exchange(other.in_use_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    in_use_ = std::exchange(other.in_use_, nullptr);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  }
  stmt_ = nullptr;
  in_use_ = nullptr;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::BindView(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

namespace {
// A zero-length blob must still be a blob (not NULL) so that it compares as the smallest key.
const char kEmptyBlob = 0;
}  // namespace

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmptyBlob : bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlobView(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmptyBlob : bytes.data(), bytes.size(),
                      SQLITE_STATIC);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

core::Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  // After a failed step the statement must be reset before reuse; reset returns the same code.
  sqlite3_reset(stmt_);
  return tl::unexpected(SqliteError(db, rc, sqlite3_sql(stmt_)));
}

core::Result<void> Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---- Connection

core::Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& path,
                                                           Mode mode, int busy_timeout_ms,
                                                           bool synchronous_full) {
  // SQLite's memory statistics take a global mutex on every allocation; nothing reads them.
  // This must precede SQLite's initialisation and is skipped (harmlessly) if it comes later.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::kReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
                                    : SQLITE_OPEN_READONLY;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    core::Error error = SqliteError(db, rc, fmt::format("open {}", path.string()));
    sqlite3_close_v2(db);
    return tl::unexpected(std::move(error));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  if (auto r = conn->Exec("PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192"); !r) {
    return tl::unexpected(r.error());
  }
  if (mode == Mode::kReadOnly) return conn;

  auto wal = conn->Prepare("PRAGMA journal_mode=WAL");
  if (!wal) return tl::unexpected(wal.error());
  auto row = wal->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row || wal->Text(0) != "wal") {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("open {}: cannot switch to WAL mode", path.string()));
  }
  wal->Reset();
  // Savepoint sub-journals and statement journals stay in memory: every write runs in a
  // SAVEPOINT, and a temp file would cost a write per page first touched in it.
  if (auto r = conn->Exec("PRAGMA temp_store=MEMORY"); !r) return tl::unexpected(r.error());
  if (auto r =
          conn->Exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      !r) {
    return tl::unexpected(r.error());
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  cache_.clear();
  sqlite3_close_v2(db_);
}

core::Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use) {
    it->second->in_use = true;
    return Statement(it->second->stmt, &it->second->in_use);
  }
  const bool nested = it != cache_.end();  // the same text is already borrowed
  if (!nested && cache_.size() >= kMaxCachedStatements) {
    for (auto idle = cache_.begin(); idle != cache_.end(); ++idle) {
      if (!idle->second->in_use) {
        sqlite3_finalize(idle->second->stmt);
        cache_.erase(idle);
        break;
      }
    }
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              nested ? 0 : SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return tl::unexpected(SqliteError(db_, rc, fmt::format("prepare {}", sql)));
  }
  if (nested) return Statement(stmt, nullptr);  // owned, finalised after use
  auto cached = std::make_unique<Cached>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* in_use = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Statement(stmt, in_use);
}

core::Result<void> Connection::Exec(const char* sql) {
  char* errmsg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &errmsg);
  sqlite3_free(errmsg);
  if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_, rc, sql));
  return {};
}

core::Result<void> Connection::ExecCached(std::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt) return tl::unexpected(stmt.error());
  return stmt->Run();
}

}  // namespace custos::store::sqlite
