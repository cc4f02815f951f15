// One SQLite connection and its cache of prepared statements. Internal to the SQLite store: a
// connection is used by one thread at a time (the writer thread, or a reader holding a lease
// from the pool), so nothing here locks.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

namespace custos::store::sqlite {

// The core error for a failed SQLite call: constraint violations become kAlreadyExists or
// kConflict, a busy or full or failing disk kUnavailable, anything else kInternal. The message
// names `context` and carries SQLite's own message.
core::Error SqliteError(sqlite3* db, int rc, std::string_view context);

// A prepared statement borrowed from a connection's cache. Destruction resets it and clears its
// bindings, so the next borrower starts clean. Bind indexes are 1-based, columns 0-based, as in
// SQLite.
class Statement {
 public:
  Statement() = default;
  // Borrowed from the cache when `in_use` is given; otherwise owned and finalised on release.
  Statement(sqlite3_stmt* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, std::int64_t value);
  // Copies the text: safe for temporaries.
  Statement& Bind(int index, std::string_view text);
  // Does not copy: `text` must stay alive and unchanged until the statement is stepped to
  // completion or reset. For hot paths that bind long-lived fields.
  Statement& BindView(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindBlobView(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when done. Errors map through SqliteError.
  core::Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  core::Result<void> Run();
  // Ready for another execution with the same or new bindings.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  bool* in_use_ = nullptr;
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (and for kReadWrite, creates) the database and sets the per-connection pragmas:
  // foreign keys, busy timeout, and for the writer WAL mode and the synchronous level.
  static core::Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& path,
                                                        Mode mode, int busy_timeout_ms,
                                                        bool synchronous_full);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached statement for `sql`, preparing it on first use. Statements are cached by their
  // text; when the cache is full an idle one is finalised to make room.
  core::Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without results (DDL, pragmas), parsing them every time.
  core::Result<void> Exec(const char* sql);
  // Runs one statement without results through the statement cache (BEGIN, COMMIT, ...).
  core::Result<void> ExecCached(std::string_view sql);

  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  // True outside an explicit transaction; SQLite also returns here after an automatic
  // rollback (disk full, I/O error), which is how the writer notices a lost transaction.
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // Looks statements up by string_view, without copying the SQL text on every call.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::size_t kMaxCachedStatements = 256;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Cached>, TextHash, std::equal_to<>> cache_;
};

}  // namespace custos::store::sqlite
