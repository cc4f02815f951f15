// Device changes: create, replace (update and retire), delete, connectivity write-behind.
#include <fmt/format.h>

#include "store/sqlite/device_rows.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {

using core::AuditEntry;
using core::Device;
using core::ErrorCode;

core::Result<Device> SqliteStore::CreateDevice(Device device, AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (device.created_at == 0) device.created_at = now;
  if (device.updated_at == 0) device.updated_at = device.created_at;
  device.id = 0;
  device.version = 1;
  auto written = Write([&](Connection& db) -> Result<void> {
    bool name_taken = false;
    if (auto r = InsertDevice(db, device, &name_taken); !r) return r;
    if (name_taken) {
      return core::MakeError(ErrorCode::kAlreadyExists,
                             fmt::format("device name '{}' already exists", device.name));
    }
    if (audit.target_id.empty()) audit.target_id = std::to_string(device.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return device;
}

core::Result<Device> SqliteStore::UpdateDevice(Device device, AuditEntry audit) {
  return ReplaceDevice(std::move(device), std::move(audit), false);
}

core::Result<Device> SqliteStore::RetireDevice(Device device, AuditEntry audit) {
  return ReplaceDevice(std::move(device), std::move(audit), true);
}

core::Result<Device> SqliteStore::ReplaceDevice(Device device, AuditEntry audit, bool retire) {
  const core::TimeMs now = clock_.Now();
  if (retire) device.state = core::LifecycleState::kRetired;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto stored = db.Prepare("SELECT version, created_at FROM devices WHERE id = ?");
    if (!stored) return tl::unexpected(stored.error());
    stored->Bind(1, device.id);
    auto row = stored->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return NotFound("device", device.id);
    const std::int64_t version = stored->Int(0);
    if (version != device.version) {
      return core::MakeError(ErrorCode::kConflict, fmt::format("device {} is at version {}, not {}",
                                                               device.id, version, device.version));
    }
    device.created_at = stored->Int(1);
    stored->Reset();
    device.version = version + 1;
    device.updated_at = now;
    if (auto r = OverwriteDevice(db, device); !r) return r;
    if (retire) {
      auto revoke = db.Prepare(
          "UPDATE credentials SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL");
      if (!revoke) return tl::unexpected(revoke.error());
      revoke->Bind(1, now).Bind(2, device.id);
      if (auto r = revoke->Run(); !r) return r;
    }
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return device;
}

core::Result<void> SqliteStore::DeleteDevice(core::DeviceId id, AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    // Labels, credentials and memberships go with it (ON DELETE CASCADE).
    auto remove = db.Prepare("DELETE FROM devices WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->Bind(1, id);
    if (auto r = remove->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("device", id);
    return InsertAudit(db, audit, now);
  });
}

core::Result<void> SqliteStore::SaveConnectivity(
    const std::vector<std::pair<core::DeviceId, core::Connectivity>>& updates) {
  if (updates.empty()) return {};
  return Write([&](Connection& db) -> Result<void> {
    // Neither version nor updated_at moves: connectivity is hot state written behind, and must
    // not make an operator's concurrent edit fail its version check.
    auto update = db.Prepare(
        "UPDATE devices SET online = ?, last_seen = ?, address = ?, transport = ?, "
        "lifetime_s = ?, queue_mode = ? WHERE id = ?");
    if (!update) return tl::unexpected(update.error());
    for (const auto& [id, c] : updates) {
      update->Bind(1, std::int64_t{c.online ? 1 : 0})
          .Bind(2, c.last_seen)
          .Bind(3, std::string_view(c.address))
          .Bind(4, std::string_view(c.transport))
          .Bind(5, c.lifetime_s)
          .Bind(6, std::int64_t{c.queue_mode ? 1 : 0})
          .Bind(7, id);
      if (auto r = update->Run(); !r) return r;
      update->Reset();
    }
    return {};
  });
}

}  // namespace custos::store::sqlite
