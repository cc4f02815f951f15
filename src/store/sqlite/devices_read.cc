// Device reads: by id or name, filtered and paginated listings, counts.
#include <fmt/format.h>

#include "store/sqlite/cursor.h"
#include "store/sqlite/device_rows.h"
#include "store/sqlite/filter_sql.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {

using core::Device;
using core::ErrorCode;

namespace {

constexpr std::size_t kMaxPageSize = 1000;

// Up to this many devices carrying a label (or in a static group), starting from the label
// index beats testing the label on every device in sort order (measured at 300,000 devices: a label
// on 300 devices costs 0.2 ms this way and 50 to 300 ms the other; a label on 200,000 costs 50 to
// 120 ms this way and 0.1 ms the other, because the scan stops after one page).
constexpr std::int64_t kDriveThreshold = 4096;

// WHERE text and parameters, built up condition by condition.
struct Where {
  std::string sql;
  std::vector<SqlParam> params;
  std::vector<Driver> drivers;

  void And(std::string_view condition) {
    sql += fmt::format("{}{}", sql.empty() ? " WHERE " : " AND ", condition);
  }
};

core::Result<void> AddFilter(Where& where, const core::filter::Expr* filter) {
  if (filter == nullptr) return {};
  auto condition = FilterToSql(*filter);
  if (!condition) return tl::unexpected(condition.error());
  where.And(condition->sql);
  for (SqlParam& p : condition->params) where.params.push_back(std::move(p));
  for (Driver& d : condition->drivers) where.drivers.push_back(std::move(d));
  return {};
}

// Adds `d.id IN (driver)` for the driver carried by the fewest devices, if at most
// kDriveThreshold devices carry it. Each count stops as soon as it cannot win.
core::Result<void> AddDriver(Connection& db, Where& where) {
  const Driver* best = nullptr;
  std::int64_t best_count = kDriveThreshold + 1;
  for (const Driver& driver : where.drivers) {
    auto count = db.Prepare(fmt::format("SELECT COUNT(*) FROM ({} LIMIT ?)", driver.sql));
    if (!count) return tl::unexpected(count.error());
    count->Bind(BindParams(*count, driver.params, 1), best_count);
    auto row = count->Step();
    if (!row) return tl::unexpected(row.error());
    if (count->Int(0) < best_count) {
      best = &driver;
      best_count = count->Int(0);
    }
  }
  if (best != nullptr) {
    where.And(fmt::format("d.id IN ({})", best->sql));
    where.params.insert(where.params.end(), best->params.begin(), best->params.end());
  }
  return {};
}

}  // namespace

core::Result<Device> SqliteStore::GetDevice(core::DeviceId id) {
  if (auto cached = devices_->Get(id)) return std::move(*cached);
  const DeviceCache::Ticket ticket = devices_->Begin(id);  // before the read's snapshot
  auto found = Read([&](Connection& db) { return FetchDevice(db, id); });
  if (!found) return tl::unexpected(found.error());
  if (!*found) return NotFound("device", id);
  devices_->Put(**found, ticket);
  return std::move(**found);
}

std::optional<Device> SqliteStore::CachedDevice(core::DeviceId id) { return devices_->Get(id); }

std::optional<core::Result<Device>> SqliteStore::TryGetDevice(core::DeviceId id) {
  if (auto cached = devices_->Get(id)) return core::Result<Device>(std::move(*cached));
  const DeviceCache::Ticket ticket = devices_->Begin(id);  // before the read's snapshot
  auto lease = readers_->TryAcquire();
  if (!lease) return std::nullopt;
  Connection& db = **lease;
  // WAL readers take no lock a writer holds, so BEGIN and the reads below do not wait.
  if (auto r = db.ExecCached("BEGIN"); !r) return core::Result<Device>(tl::unexpected(r.error()));
  auto found = FetchDevice(db, id);
  (void)db.ExecCached("COMMIT");
  if (!found) return core::Result<Device>(tl::unexpected(found.error()));
  if (!*found) return core::Result<Device>(NotFound("device", id));
  devices_->Put(**found, ticket);
  return core::Result<Device>(std::move(**found));
}

core::Result<Device> SqliteStore::GetDeviceByName(std::string_view name) {
  auto found = Read([&](Connection& db) { return FetchDeviceByName(db, name); });
  if (!found) return tl::unexpected(found.error());
  if (!*found) {
    return core::MakeError(ErrorCode::kNotFound, fmt::format("device '{}' not found", name));
  }
  return std::move(**found);
}

core::Result<core::DevicePage> SqliteStore::ListDevices(const core::DeviceQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("limit must be 1..{}", kMaxPageSize));
  }
  const SortField* sort = FindSortField(query.sort);
  if (sort == nullptr) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("cannot sort devices by '{}'", query.sort));
  }
  Where where;
  if (auto r = AddFilter(where, query.filter); !r) return tl::unexpected(r.error());
  if (query.static_group) {
    // Like a label: tested per device, or the starting point when the group is small.
    where.And("EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = ? AND m.device_id = d.id)");
    where.params.push_back(SqlParam::Int(*query.static_group));
    where.drivers.push_back(Driver{"SELECT m.device_id FROM group_members m WHERE m.group_id = ?",
                                   {SqlParam::Int(*query.static_group)}});
  }
  std::optional<CursorPosition> position;
  if (!query.after.empty()) {
    auto decoded = DecodeCursor(query.after, *sort, query.descending);
    if (!decoded) return tl::unexpected(decoded.error());
    position = std::move(*decoded);
  }

  return Read([&](Connection& db) -> Result<core::DevicePage> {
    if (query.static_group) {
      auto group = db.Prepare("SELECT 1 FROM groups WHERE id = ?");
      if (!group) return tl::unexpected(group.error());
      group->Bind(1, *query.static_group);
      auto exists = group->Step();
      if (!exists) return tl::unexpected(exists.error());
      if (!*exists) return NotFound("group", *query.static_group);
    }
    if (auto r = AddDriver(db, where); !r) return tl::unexpected(r.error());
    const bool by_id = sort->name == "id";
    const char* after = query.descending ? "<" : ">";
    if (position) {
      if (by_id) {
        where.And(fmt::format("d.id {} ?", after));
      } else {
        // A row value comparison, which SQLite serves from the (column, rowid) index.
        where.And(fmt::format("({}, d.id) {} (?, ?)", sort->column, after));
        where.params.push_back(position->value);
      }
      where.params.push_back(SqlParam::Int(position->id));
    }
    const char* direction = query.descending ? " DESC" : "";
    std::string order = by_id ? fmt::format("d.id{}", direction)
                              : fmt::format("{0}{1}, d.id{1}", sort->column, direction);
    std::string sql = fmt::format("SELECT {} FROM devices d{} ORDER BY {} LIMIT ?", kDeviceColumns,
                                  where.sql, order);
    where.params.push_back(SqlParam::Int(static_cast<std::int64_t>(query.limit) + 1));

    auto select = db.Prepare(sql);
    if (!select) return tl::unexpected(select.error());
    BindParams(*select, where.params, 1);
    core::DevicePage page;
    bool more = false;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      if (page.devices.size() == query.limit) {
        more = true;
        break;
      }
      auto device = ReadDeviceRow(*select);
      if (!device) return tl::unexpected(device.error());
      page.devices.push_back(std::move(*device));
    }
    select->Reset();
    if (auto r = LoadLabels(db, page.devices); !r) return tl::unexpected(r.error());
    if (more) {
      const Device& last = page.devices.back();
      page.next_cursor =
          EncodeCursor(*sort, query.descending, CursorPosition{SortValueOf(*sort, last), last.id});
    }
    return page;
  });
}

core::Result<std::int64_t> SqliteStore::CountDevices(const core::filter::Expr* filter) {
  Where where;
  if (auto r = AddFilter(where, filter); !r) return tl::unexpected(r.error());
  return Read([&](Connection& db) -> Result<std::int64_t> {
    if (auto r = AddDriver(db, where); !r) return tl::unexpected(r.error());
    auto select = db.Prepare(fmt::format("SELECT COUNT(*) FROM devices d{}", where.sql));
    if (!select) return tl::unexpected(select.error());
    BindParams(*select, where.params, 1);
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    return select->Int(0);
  });
}

core::Result<std::map<core::LifecycleState, std::int64_t>> SqliteStore::CountDevicesByState() {
  using Counts = std::map<core::LifecycleState, std::int64_t>;
  return Read([&](Connection& db) -> Result<Counts> {
    Counts counts;
    for (auto s : {core::LifecycleState::kProvisioned, core::LifecycleState::kActive,
                   core::LifecycleState::kDisabled, core::LifecycleState::kRetired}) {
      counts[s] = 0;
    }
    auto select = db.Prepare("SELECT state, COUNT(*) FROM devices GROUP BY state");
    if (!select) return tl::unexpected(select.error());
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return counts;
      std::int64_t state = select->Int(0);
      if (state < 0 || state > static_cast<std::int64_t>(core::LifecycleState::kRetired)) {
        return core::MakeError(ErrorCode::kInternal, fmt::format("stored state {}", state));
      }
      counts[static_cast<core::LifecycleState>(state)] = select->Int(1);
    }
  });
}

}  // namespace custos::store::sqlite
