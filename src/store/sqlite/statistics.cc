#include "store/sqlite/statistics.h"

namespace custos::store::sqlite {
namespace {

core::Result<std::int64_t> Scalar(Connection& db, const char* sql) {
  auto select = db.Prepare(sql);
  if (!select) return tl::unexpected(select.error());
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  return *row && !select->IsNull(0) ? select->Int(0) : -1;
}

}  // namespace

core::Result<bool> RefreshStatistics(Connection& db) {
  auto devices = Scalar(db, "SELECT COUNT(*) FROM devices");
  if (!devices) return tl::unexpected(devices.error());
  if (*devices < kMinDevicesForStatistics) return false;
  auto has_stats = Scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'");
  if (!has_stats) return tl::unexpected(has_stats.error());
  if (*has_stats > 0) {
    // The first number of an index's statistics is the table's row count when analysed.
    auto analysed = Scalar(db,
                           "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 "
                           "WHERE idx = 'sqlite_autoindex_devices_1'");
    if (!analysed) return tl::unexpected(analysed.error());
    if (*analysed > 0 && *devices <= 2 * *analysed && 2 * *devices >= *analysed) return false;
  }
  if (auto r = db.Exec("ANALYZE"); !r) return tl::unexpected(r.error());
  return true;
}

}  // namespace custos::store::sqlite
