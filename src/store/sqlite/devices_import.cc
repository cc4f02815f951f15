// Bulk import: every row of a call in one transaction, each row's outcome reported.
//
// A row whose name is taken is, by policy: rejected (kFail) or left alone (kSkip), both
// reported with kAlreadyExists and the existing id; or (kUpdate) merged into the existing
// device: protocol, identity, labels and metadata are replaced by the row's, while lifecycle
// state, connectivity, health and created_at stay, and the version goes up by one. A retired
// device is never updated by an import (kFailedPrecondition for that row).
#include <fmt/format.h>

#include "store/sqlite/device_rows.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ConflictPolicy;
using core::Device;
using core::ErrorCode;
using core::ImportRowResult;

core::Result<void> MergeInto(Connection& db, const Device& row, ImportRowResult& result,
                             core::TimeMs now) {
  auto existing = FetchDeviceByName(db, row.name);
  if (!existing) return tl::unexpected(existing.error());
  if (!*existing) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("device '{}' vanished during import", row.name));
  }
  Device& d = **existing;
  result.id = d.id;
  if (d.state == core::LifecycleState::kRetired) {
    result.code = ErrorCode::kFailedPrecondition;
    result.error = fmt::format("device '{}' is retired", row.name);
    return {};
  }
  d.protocol = row.protocol;
  d.identity = row.identity;
  d.labels = row.labels;
  d.metadata_json = row.metadata_json;
  d.version += 1;
  d.updated_at = now;
  if (auto r = OverwriteDevice(db, d); !r) return r;
  result.accepted = true;
  result.updated = true;
  return {};
}

core::Result<void> ImportRow(Connection& db, Device& row, ConflictPolicy policy,
                             ImportRowResult& result, core::TimeMs now) {
  row.id = 0;
  if (row.created_at == 0) row.created_at = now;
  if (row.updated_at == 0) row.updated_at = row.created_at;
  row.version = 1;
  bool name_taken = false;
  if (auto r = InsertDevice(db, row, &name_taken); !r) return r;
  if (!name_taken) {
    result.accepted = true;
    result.id = row.id;
    return {};
  }
  if (policy == ConflictPolicy::kUpdate) return MergeInto(db, row, result, now);
  auto existing = db.Prepare("SELECT id FROM devices WHERE name = ?");
  if (!existing) return tl::unexpected(existing.error());
  existing->Bind(1, std::string_view(row.name));
  auto found = existing->Step();
  if (!found) return tl::unexpected(found.error());
  if (*found) result.id = existing->Int(0);
  result.code = ErrorCode::kAlreadyExists;
  result.error = policy == ConflictPolicy::kSkip
                     ? fmt::format("skipped: device name '{}' already exists", row.name)
                     : fmt::format("device name '{}' already exists", row.name);
  return {};
}

}  // namespace

core::Result<std::vector<ImportRowResult>> SqliteStore::ImportDevices(std::vector<Device> rows,
                                                                      std::size_t first_row,
                                                                      ConflictPolicy policy,
                                                                      core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  std::vector<ImportRowResult> results(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) results[i].row = first_row + i;
  auto written = Write([&](Connection& db) -> Result<void> {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (auto r = ImportRow(db, rows[i], policy, results[i], now); !r) {
        core::Error error = r.error();
        error.message = fmt::format("row {}: {}", first_row + i, error.message);
        return tl::unexpected(std::move(error));
      }
    }
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return results;
}

}  // namespace custos::store::sqlite
