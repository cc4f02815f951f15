// Front door of the SQLite store: core::Store on an embedded SQLite 3 database. Other modules
// include only this header; everything else under src/store/sqlite/ is private to it.
//
// Design.
// - The database runs in WAL mode with foreign keys on and a busy timeout. Its schema is
//   versioned: `schema_migrations(version, applied_at)` records every migration applied; a
//   migration is a list of SQL steps applied in order inside one transaction; opening a
//   database whose schema is newer than this binary knows is an error (kFailedPrecondition).
// - ONE writer thread owns the write connection. A mutating call enqueues a closure and blocks;
//   the writer takes everything queued (up to max_batch_ops), runs it in ONE transaction with
//   each closure inside its own SAVEPOINT (so one call's constraint failure rolls back that call
//   alone), commits, and only then answers the callers. This is group commit: a hundred
//   concurrent CreateDevice calls cost a handful of transactions and fsyncs, and "acknowledged"
//   always means "committed". If the transaction itself fails (disk full, I/O error, locked),
//   every call in it fails with kUnavailable and nothing of it stays.
// - Reads use a pool of read-only connections; WAL readers see the last commit and never
//   block the writer. Every connection caches its prepared statements.
// - Devices are one row each, with the identity versions stored twice: as text, and as
//   core::filter::VersionSortKey blobs so that version comparisons and version sorting are
//   plain indexed memcmp comparisons. Labels live in `device_labels(device_id, key, value)`
//   with an index on (key, value, device_id) for label filters. Lifecycle states are stored as
//   their ordinal, so sorting by state follows the lifecycle (provisioned, active, disabled,
//   retired). Ids are AUTOINCREMENT: a deleted device's, group's, credential's or token's id
//   is never handed out again, because audit entries and clients keep referring to it.
// - Filters become a WHERE clause with bound parameters (filter_sql.h); listings use keyset
//   pagination on (sort field, id), with an opaque base64url cursor (cursor.h). A label (or
//   static group) that every result must carry becomes the starting point of the query when
//   few devices carry it (a capped count decides), and is tested per device otherwise.
// - Planner statistics are refreshed by a full ANALYZE when the store opens, if they are
//   missing or the fleet has doubled or halved since (statistics.h).
// - Creation calls that receive an audit entry with an empty target_id fill it with the new
//   object's id, since the caller cannot know it beforehand.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "core/clock.h"
#include "core/error.h"
#include "core/store.h"

namespace custos::store {

struct SqliteOptions {
  std::filesystem::path path;        // database file; parent dir must exist
  core::Clock* clock = nullptr;      // null: core::SystemClock()
  int read_connections = 4;          // pool of read-only connections
  std::size_t max_batch_ops = 4096;  // group-commit bound
  bool synchronous_full = true;      // PRAGMA synchronous=FULL (else NORMAL)
  int busy_timeout_ms = 5000;        // how long to wait for a lock held by another process
  // Whole devices kept in memory for GetDevice (about 1 KiB each); 0 turns the cache off.
  std::size_t device_cache_entries = 1'100'000;
  // The writer connection's page cache. (64 MiB imported 1,000,000 devices in the same CPU
  // time as 8 MiB: 24.8 s against 24.5 s.)
  int writer_cache_kib = 8 * 1024;
  // The writer checkpoints the WAL into the database once it holds this many pages (4 KiB),
  // as SQLite's wal_autocheckpoint would.
  int wal_autocheckpoint_pages = 1000;
};

// Opens (creating if needed) and migrates the database, refreshes stale planner statistics
// (about half a second per 300,000 devices, only when the fleet has doubled or halved since the
// last time), starts the writer thread and the reader pool. kFailedPrecondition when the schema is
// newer than this binary; kUnavailable when the file cannot be opened or is locked.
core::Result<std::unique_ptr<core::Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace custos::store
