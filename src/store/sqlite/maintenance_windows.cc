// Maintenance windows (migration 8): one row per window in `maintenance_windows`, their
// attachment to groups in `group_maintenance_windows` (gone with the group; a window still
// attached cannot be deleted).
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::MaintenanceWindow;

constexpr std::string_view kColumns =
    "id, name, description, cron, duration_s, time_zone, created_at, updated_at, version";

MaintenanceWindow ReadWindow(const Statement& s) {
  MaintenanceWindow w;
  w.id = s.Int(0);
  w.name = s.Text(1);
  w.description = s.Text(2);
  w.cron = s.Text(3);
  w.duration_s = s.Int(4);
  w.time_zone = s.Text(5);
  w.created_at = s.Int(6);
  w.updated_at = s.Int(7);
  w.version = s.Int(8);
  return w;
}

core::Result<std::vector<MaintenanceWindow>> SelectWindows(Connection& db,
                                                           std::optional<std::int64_t> id) {
  auto select = db.Prepare(fmt::format("SELECT {} FROM maintenance_windows {} ORDER BY id",
                                       kColumns, id ? "WHERE id = ?" : ""));
  if (!select) return tl::unexpected(select.error());
  if (id) select->Bind(1, *id);
  std::vector<MaintenanceWindow> out;
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(ReadWindow(*select));
  }
}

core::Result<void> NameTaken(const core::Result<void>& r, std::string_view name) {
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return core::MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("maintenance window name '{}' already exists", name));
  }
  return r;
}

core::Result<bool> RowExists(Connection& db, const char* sql, std::int64_t id) {
  auto select = db.Prepare(sql);
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, id);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  return *row;
}

}  // namespace

core::Result<MaintenanceWindow> SqliteStore::CreateMaintenanceWindow(MaintenanceWindow window,
                                                                     core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (window.created_at == 0) window.created_at = now;
  if (window.updated_at == 0) window.updated_at = window.created_at;
  window.version = 1;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto insert = db.Prepare(
        "INSERT INTO maintenance_windows (name, description, cron, duration_s, time_zone, "
        "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, std::string_view(window.name))
        .Bind(2, std::string_view(window.description))
        .Bind(3, std::string_view(window.cron))
        .Bind(4, window.duration_s)
        .Bind(5, std::string_view(window.time_zone))
        .Bind(6, window.created_at)
        .Bind(7, window.updated_at)
        .Bind(8, window.version);
    if (auto r = NameTaken(insert->Run(), window.name); !r) return r;
    window.id = db.LastInsertId();
    if (audit.target_id.empty()) audit.target_id = std::to_string(window.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return window;
}

core::Result<MaintenanceWindow> SqliteStore::GetMaintenanceWindow(core::MaintenanceWindowId id) {
  auto windows = Read([&](Connection& db) { return SelectWindows(db, id); });
  if (!windows) return tl::unexpected(windows.error());
  if (windows->empty()) return NotFound("maintenance window", id);
  return std::move(windows->front());
}

core::Result<std::vector<MaintenanceWindow>> SqliteStore::ListMaintenanceWindows() {
  return Read([&](Connection& db) { return SelectWindows(db, std::nullopt); });
}

core::Result<MaintenanceWindow> SqliteStore::UpdateMaintenanceWindow(MaintenanceWindow window,
                                                                     core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  auto written = Write([&](Connection& db) -> Result<void> {
    auto stored = db.Prepare("SELECT version, created_at FROM maintenance_windows WHERE id = ?");
    if (!stored) return tl::unexpected(stored.error());
    stored->Bind(1, window.id);
    auto row = stored->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return NotFound("maintenance window", window.id);
    const std::int64_t version = stored->Int(0);
    if (version != window.version) {
      return core::MakeError(ErrorCode::kConflict,
                             fmt::format("maintenance window {} is at version {}, not {}",
                                         window.id, version, window.version));
    }
    window.created_at = stored->Int(1);
    stored->Reset();
    window.version = version + 1;
    window.updated_at = now;
    auto update = db.Prepare(
        "UPDATE maintenance_windows SET name = ?, description = ?, cron = ?, duration_s = ?, "
        "time_zone = ?, updated_at = ?, version = ? WHERE id = ?");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view(window.name))
        .Bind(2, std::string_view(window.description))
        .Bind(3, std::string_view(window.cron))
        .Bind(4, window.duration_s)
        .Bind(5, std::string_view(window.time_zone))
        .Bind(6, window.updated_at)
        .Bind(7, window.version)
        .Bind(8, window.id);
    if (auto r = NameTaken(update->Run(), window.name); !r) return r;
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return window;
}

core::Result<void> SqliteStore::DeleteMaintenanceWindow(core::MaintenanceWindowId id,
                                                        core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto attached = RowExists(
        db, "SELECT 1 FROM group_maintenance_windows WHERE window_id = ? LIMIT 1", id);
    if (!attached) return tl::unexpected(attached.error());
    if (*attached) {
      return core::MakeError(
          ErrorCode::kConflict,
          fmt::format("maintenance window {} is attached to a group: detach it first", id));
    }
    auto remove = db.Prepare("DELETE FROM maintenance_windows WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->Bind(1, id);
    if (auto r = remove->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("maintenance window", id);
    return InsertAudit(db, audit, now);
  });
}

core::Result<void> SqliteStore::AttachMaintenanceWindow(core::GroupId group,
                                                        core::MaintenanceWindowId window,
                                                        core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto group_exists = RowExists(db, "SELECT 1 FROM groups WHERE id = ?", group);
    if (!group_exists) return tl::unexpected(group_exists.error());
    if (!*group_exists) return NotFound("group", group);
    auto window_exists = RowExists(db, "SELECT 1 FROM maintenance_windows WHERE id = ?", window);
    if (!window_exists) return tl::unexpected(window_exists.error());
    if (!*window_exists) return NotFound("maintenance window", window);
    auto insert = db.Prepare(
        "INSERT OR IGNORE INTO group_maintenance_windows (group_id, window_id) VALUES (?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, group).Bind(2, window);
    if (auto r = insert->Run(); !r) return r;
    return InsertAudit(db, audit, now);
  });
}

core::Result<void> SqliteStore::DetachMaintenanceWindow(core::GroupId group,
                                                        core::MaintenanceWindowId window,
                                                        core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto remove =
        db.Prepare("DELETE FROM group_maintenance_windows WHERE group_id = ? AND window_id = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->Bind(1, group).Bind(2, window);
    if (auto r = remove->Run(); !r) return r;
    if (db.Changes() == 0) {
      return core::MakeError(
          ErrorCode::kNotFound,
          fmt::format("maintenance window {} is not attached to group {}", window, group));
    }
    return InsertAudit(db, audit, now);
  });
}

core::Result<std::vector<core::WindowAttachment>> SqliteStore::ListWindowAttachments() {
  return Read([&](Connection& db) -> Result<std::vector<core::WindowAttachment>> {
    auto select = db.Prepare(
        "SELECT group_id, window_id FROM group_maintenance_windows ORDER BY group_id, window_id");
    if (!select) return tl::unexpected(select.error());
    std::vector<core::WindowAttachment> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back({select->Int(0), select->Int(1)});
    }
  });
}

}  // namespace custos::store::sqlite
