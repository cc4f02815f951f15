#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <system_error>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/statistics.h"

namespace custos::store {

core::Result<std::unique_ptr<core::Store>> OpenSqliteStore(const SqliteOptions& options) {
  using sqlite::Connection;
  if (options.path.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "sqlite store: no database path");
  }
  core::Clock& clock = options.clock != nullptr ? *options.clock : core::SystemClock();
  auto writer_connection = Connection::Open(options.path, Connection::Mode::kReadWrite,
                                            options.busy_timeout_ms, options.synchronous_full);
  if (!writer_connection) return tl::unexpected(writer_connection.error());
  auto version =
      sqlite::ApplyMigrations(**writer_connection, sqlite::SchemaMigrations(), clock.Now());
  if (!version) return tl::unexpected(version.error());
  if (auto analysed = sqlite::RefreshStatistics(**writer_connection); !analysed) {
    return tl::unexpected(analysed.error());
  }
  auto readers =
      sqlite::ReadPool::Open(options.path, options.read_connections, options.busy_timeout_ms);
  if (!readers) return tl::unexpected(readers.error());
  // Set after the migrations and the statistics refresh, which read with the default cache.
  const std::string cache_pragma = fmt::format("PRAGMA cache_size=-{}", options.writer_cache_kib);
  if (auto r = (*writer_connection)->Exec(cache_pragma.c_str()); !r) {
    return tl::unexpected(r.error());
  }
  auto devices = std::make_unique<sqlite::DeviceCache>(options.device_cache_entries,
                                                       options.wal_autocheckpoint_pages);
  devices->Attach((*writer_connection)->raw());
  auto writer =
      std::make_unique<sqlite::Writer>(std::move(*writer_connection), options.max_batch_ops);
  return std::make_unique<sqlite::SqliteStore>(options.path, clock, std::move(writer),
                                               std::move(*readers), std::move(devices));
}

}  // namespace custos::store

namespace custos::store::sqlite {

SqliteStore::SqliteStore(std::filesystem::path path, core::Clock& clock,
                         std::unique_ptr<Writer> writer, std::unique_ptr<ReadPool> readers,
                         std::unique_ptr<DeviceCache> devices)
    : path_(std::move(path)),
      clock_(clock),
      devices_(std::move(devices)),
      writer_(std::move(writer)),
      readers_(std::move(readers)) {}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Close() {
  std::lock_guard lock(close_mu_);
  // Readers first, so that the writer's connection is the last one open: closing it
  // checkpoints the WAL into the main file.
  readers_->Close();
  writer_->Close();
}

core::StoreStats SqliteStore::Stats() {
  Writer::Counters counters = writer_->counters();
  core::StoreStats stats;
  stats.write_batches = counters.batches;
  stats.write_ops = counters.ops;
  stats.write_failures = counters.failures;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path_.string() + suffix, ec);
    if (!ec) stats.db_size_bytes += size;
  }
  return stats;
}

tl::unexpected<core::Error> NotFound(std::string_view what, std::int64_t id) {
  return core::MakeError(core::ErrorCode::kNotFound, fmt::format("{} {} not found", what, id));
}

core::Result<bool> DeviceExists(Connection& db, core::DeviceId id) {
  auto select = db.Prepare("SELECT 1 FROM devices WHERE id = ?");
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, id);
  return select->Step();
}

}  // namespace custos::store::sqlite
