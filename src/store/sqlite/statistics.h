// Query planner statistics (sqlite_stat1). Internal to the SQLite store.
//
// Without statistics SQLite assumes that an equality on any indexed column is selective, so
// `manufacturer = "Acme"` sorted by name reads every Acme device through the manufacturer index
// and sorts them (tens of milliseconds at 300,000 devices) instead of walking the name index
// and stopping after one page (well under a millisecond). Sampled statistics
// (PRAGMA analysis_limit) do not change those plans; a full ANALYZE does, and takes about half
// a second at 300,000 devices. So statistics are refreshed when the store opens, only when
// they are missing or the fleet has since doubled or halved, and before the read connections
// open, since a connection keeps the statistics it loaded.
#pragma once

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

// Below this many devices every plan is fast enough; no statistics are gathered.
inline constexpr std::int64_t kMinDevicesForStatistics = 10'000;

// Runs ANALYZE if the statistics are missing or stale (see above). Returns whether it ran.
core::Result<bool> RefreshStatistics(Connection& db);

}  // namespace custos::store::sqlite
