// Device state: the desired and reported documents of each device, one row per device in
// `device_state` (created on the first write; a device without a row has empty documents at
// version 0).
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::DeviceState;
using core::ErrorCode;

// The state of device `id`; kNotFound when there is no such device.
core::Result<DeviceState> SelectState(Connection& db, core::DeviceId id) {
  auto select = db.Prepare(
      "SELECT s.desired_json, s.desired_version, s.desired_updated_at, s.reported_json, "
      "s.reported_version, s.reported_updated_at, s.desired_acknowledged "
      "FROM devices d LEFT JOIN device_state s ON s.device_id = d.id WHERE d.id = ?");
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, id);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return NotFound("device", id);
  DeviceState state;
  state.device_id = id;
  if (select->IsNull(0)) return state;
  state.desired_json = select->Text(0);
  state.desired_version = select->Int(1);
  state.desired_updated_at = select->Int(2);
  state.reported_json = select->Text(3);
  state.reported_version = select->Int(4);
  state.reported_updated_at = select->Int(5);
  state.desired_acknowledged = select->Int(6);
  return state;
}

// Makes sure device `id` exists and has a state row.
core::Result<void> EnsureStateRow(Connection& db, core::DeviceId id) {
  auto exists = DeviceExists(db, id);
  if (!exists) return tl::unexpected(exists.error());
  if (!*exists) return NotFound("device", id);
  auto insert = db.Prepare("INSERT OR IGNORE INTO device_state (device_id) VALUES (?)");
  if (!insert) return tl::unexpected(insert.error());
  insert->Bind(1, id);
  return insert->Run();
}

tl::unexpected<core::Error> VersionConflict(std::string_view which, core::DeviceId id,
                                            std::int64_t expected) {
  return core::MakeError(
      ErrorCode::kConflict,
      fmt::format("the {} state of device {} is not at version {}", which, id, expected));
}

}  // namespace

core::Result<DeviceState> SqliteStore::GetDeviceState(core::DeviceId id) {
  return Read([&](Connection& db) { return SelectState(db, id); });
}

core::Result<DeviceState> SqliteStore::SaveDesiredState(core::DeviceId id, std::string json,
                                                        std::int64_t expected_version,
                                                        core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  DeviceState saved;
  auto written = Write([&](Connection& db) -> Result<void> {
    if (auto ok = EnsureStateRow(db, id); !ok) return ok;
    auto update = db.Prepare(
        "UPDATE device_state SET desired_json = ?, desired_version = desired_version + 1, "
        "desired_updated_at = ? WHERE device_id = ? AND desired_version = ?");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view(json)).Bind(2, now).Bind(3, id).Bind(4, expected_version);
    if (auto r = update->Run(); !r) return r;
    if (db.Changes() == 0) return VersionConflict("desired", id, expected_version);
    if (auto r = InsertAudit(db, audit, now); !r) return r;
    auto state = SelectState(db, id);
    if (!state) return tl::unexpected(state.error());
    saved = std::move(*state);
    return {};
  });
  if (!written) return tl::unexpected(written.error());
  return saved;
}

core::Result<DeviceState> SqliteStore::SaveReportedState(
    core::DeviceId id, std::string json, std::int64_t expected_version,
    std::optional<std::int64_t> desired_acknowledged) {
  const core::TimeMs now = clock_.Now();
  DeviceState saved;
  auto written = Write([&](Connection& db) -> Result<void> {
    if (auto ok = EnsureStateRow(db, id); !ok) return ok;
    // The version moves only when the document does; an acknowledgement alone keeps it.
    auto update = db.Prepare(
        "UPDATE device_state SET "
        "reported_version = reported_version + (reported_json IS NOT ?1), "
        "reported_updated_at = CASE WHEN reported_json IS NOT ?1 THEN ?2 "
        "ELSE reported_updated_at END, "
        "reported_json = ?1, "
        "desired_acknowledged = COALESCE(?3, desired_acknowledged) "
        "WHERE device_id = ?4 AND reported_version = ?5");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view(json)).Bind(2, now);
    if (desired_acknowledged) {
      update->Bind(3, *desired_acknowledged);
    } else {
      update->BindNull(3);
    }
    update->Bind(4, id).Bind(5, expected_version);
    if (auto r = update->Run(); !r) return r;
    if (db.Changes() == 0) return VersionConflict("reported", id, expected_version);
    auto state = SelectState(db, id);
    if (!state) return tl::unexpected(state.error());
    saved = std::move(*state);
    return {};
  });
  if (!written) return tl::unexpected(written.error());
  return saved;
}

void SqliteStore::UpdateReportedState(core::DeviceId id, ReportedChangeFn change,
                                      StateCompletion done) {
  const core::TimeMs now = clock_.Now();
  // Filled on the writer thread by the work, read by the completion after it on that thread.
  auto saved = std::make_shared<DeviceState>();
  auto work = [id, now, change = std::move(change), saved](Connection& db) -> Result<void> {
    auto current = SelectState(db, id);
    if (!current) return tl::unexpected(current.error());
    auto next = change(*current);
    if (!next) return tl::unexpected(next.error());
    if (!*next) {
      *saved = std::move(*current);
      return {};
    }
    if (auto ok = EnsureStateRow(db, id); !ok) return ok;
    // Inside the transaction nothing else writes: the version read above is still current.
    auto update = db.Prepare(
        "UPDATE device_state SET "
        "reported_version = reported_version + (reported_json IS NOT ?1), "
        "reported_updated_at = CASE WHEN reported_json IS NOT ?1 THEN ?2 "
        "ELSE reported_updated_at END, "
        "reported_json = ?1, "
        "desired_acknowledged = COALESCE(?3, desired_acknowledged) "
        "WHERE device_id = ?4");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view((*next)->json)).Bind(2, now);
    if ((*next)->desired_acknowledged) {
      update->Bind(3, *(*next)->desired_acknowledged);
    } else {
      update->BindNull(3);
    }
    update->Bind(4, id);
    if (auto r = update->Run(); !r) return r;
    auto state = SelectState(db, id);
    if (!state) return tl::unexpected(state.error());
    *saved = std::move(*state);
    return {};
  };
  writer_->Submit(std::move(work), [saved, done = std::move(done)](Result<void> written) {
    if (!written) {
      done(tl::unexpected(written.error()));
      return;
    }
    done(std::move(*saved));
  });
}

}  // namespace custos::store::sqlite
