// Device credentials. At most one active credential per (kind, identity): a partial unique
// index over the rows whose revoked_at is NULL.
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::Credential;
using core::ErrorCode;

constexpr std::string_view kColumns =
    "id, device_id, kind, identity, secret, created_at, revoked_at";

Credential ReadCredential(const Statement& s) {
  Credential c;
  c.id = s.Int(0);
  c.device_id = s.Int(1);
  c.kind = s.Text(2);
  c.identity = s.Text(3);
  c.secret = s.Text(4);
  c.created_at = s.Int(5);
  if (!s.IsNull(6)) c.revoked_at = s.Int(6);
  return c;
}

}  // namespace

core::Result<Credential> SqliteStore::AddCredential(Credential credential, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (credential.created_at == 0) credential.created_at = now;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto exists = DeviceExists(db, credential.device_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) return NotFound("device", credential.device_id);
    auto insert = db.Prepare(
        "INSERT INTO credentials (device_id, kind, identity, secret, created_at, revoked_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, credential.device_id)
        .Bind(2, std::string_view(credential.kind))
        .Bind(3, std::string_view(credential.identity))
        .Bind(4, std::string_view(credential.secret))
        .Bind(5, credential.created_at);
    if (credential.revoked_at) {
      insert->Bind(6, *credential.revoked_at);
    } else {
      insert->BindNull(6);
    }
    if (auto r = insert->Run(); !r) {
      if (r.error().code != ErrorCode::kAlreadyExists) return r;
      return core::MakeError(ErrorCode::kAlreadyExists,
                             fmt::format("an active {} credential for identity '{}' exists",
                                         credential.kind, credential.identity));
    }
    credential.id = db.LastInsertId();
    if (audit.target_id.empty()) audit.target_id = std::to_string(credential.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return credential;
}

core::Result<std::vector<Credential>> SqliteStore::ListCredentials(core::DeviceId device) {
  return Read([&](Connection& db) -> Result<std::vector<Credential>> {
    auto exists = DeviceExists(db, device);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) return NotFound("device", device);
    static const std::string sql =
        fmt::format("SELECT {} FROM credentials WHERE device_id = ? ORDER BY id", kColumns);
    auto select = db.Prepare(sql);
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, device);
    std::vector<Credential> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(ReadCredential(*select));
    }
  });
}

core::Result<Credential> SqliteStore::FindCredential(std::string_view kind,
                                                     std::string_view identity) {
  return Read([&](Connection& db) -> Result<Credential> {
    static const std::string sql = fmt::format(
        "SELECT {} FROM credentials WHERE kind = ? AND identity = ? AND revoked_at IS NULL",
        kColumns);
    auto select = db.Prepare(sql);
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, kind).Bind(2, identity);
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) {
      return core::MakeError(ErrorCode::kNotFound,
                             fmt::format("no active {} credential for '{}'", kind, identity));
    }
    return ReadCredential(*select);
  });
}

core::Result<void> SqliteStore::RevokeCredential(core::CredentialId id, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    // Revoking twice keeps the first revocation time.
    auto revoke =
        db.Prepare("UPDATE credentials SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?");
    if (!revoke) return tl::unexpected(revoke.error());
    revoke->Bind(1, now).Bind(2, id);
    if (auto r = revoke->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("credential", id);
    return InsertAudit(db, audit, now);
  });
}

}  // namespace custos::store::sqlite
