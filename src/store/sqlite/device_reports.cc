// Telemetry and device logs: the latest measurements of each device (one row per device in
// `device_telemetry`) and its recent log lines (`device_logs`, trimmed to the newest lines
// on every append).
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

core::Result<void> RequireDevice(Connection& db, core::DeviceId id) {
  auto exists = DeviceExists(db, id);
  if (!exists) return tl::unexpected(exists.error());
  if (!*exists) return NotFound("device", id);
  return {};
}

}  // namespace

core::Result<void> SqliteStore::SaveTelemetry(core::DeviceId id, std::string json,
                                              core::TimeMs at) {
  if (at == 0) at = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    if (auto ok = RequireDevice(db, id); !ok) return ok;
    auto upsert = db.Prepare(
        "INSERT INTO device_telemetry (device_id, measurements_json, updated_at) "
        "VALUES (?1, ?2, ?3) ON CONFLICT (device_id) DO UPDATE SET "
        "measurements_json = ?2, updated_at = ?3");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->Bind(1, id).Bind(2, std::string_view(json)).Bind(3, at);
    return upsert->Run();
  });
}

core::Result<core::Telemetry> SqliteStore::GetTelemetry(core::DeviceId id) {
  return Read([&](Connection& db) -> Result<core::Telemetry> {
    if (auto ok = RequireDevice(db, id); !ok) return tl::unexpected(ok.error());
    auto select = db.Prepare(
        "SELECT measurements_json, updated_at FROM device_telemetry WHERE device_id = ?");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, id);
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    core::Telemetry t;
    t.device_id = id;
    if (*row) {
      t.measurements_json = select->Text(0);
      t.updated_at = select->Int(1);
    }
    return t;
  });
}

core::Result<void> SqliteStore::AppendDeviceLogs(core::DeviceId id,
                                                 std::vector<core::DeviceLogLine> lines,
                                                 std::size_t keep) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    if (auto ok = RequireDevice(db, id); !ok) return ok;
    auto insert =
        db.Prepare("INSERT INTO device_logs (device_id, at, level, message) VALUES (?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    for (const core::DeviceLogLine& line : lines) {
      insert->Bind(1, id)
          .Bind(2, line.at == 0 ? now : line.at)
          .BindView(3, line.level)
          .BindView(4, line.message);
      if (auto r = insert->Run(); !r) return r;
      insert->Reset();
    }
    // Everything older than the device's newest `keep` lines goes.
    auto trim = db.Prepare(
        "DELETE FROM device_logs WHERE device_id = ?1 AND id <= "
        "(SELECT id FROM device_logs WHERE device_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)");
    if (!trim) return tl::unexpected(trim.error());
    trim->Bind(1, id).Bind(2, static_cast<std::int64_t>(keep));
    return trim->Run();
  });
}

core::Result<std::vector<core::DeviceLogLine>> SqliteStore::ListDeviceLogs(core::DeviceId id,
                                                                           std::size_t limit) {
  return Read([&](Connection& db) -> Result<std::vector<core::DeviceLogLine>> {
    if (auto ok = RequireDevice(db, id); !ok) return tl::unexpected(ok.error());
    auto select = db.Prepare(
        "SELECT at, level, message FROM (SELECT id, at, level, message FROM device_logs "
        "WHERE device_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, id).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<core::DeviceLogLine> out;
    for (;;) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(core::DeviceLogLine{select->Int(0), select->Text(1), select->Text(2)});
    }
  });
}

}  // namespace custos::store::sqlite
