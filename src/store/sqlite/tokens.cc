// Operator tokens. Only the SHA-256 of a secret is stored (unique); roles as their names.
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::OperatorToken;

constexpr std::string_view kColumns =
    "id, name, role, secret_hash, prefix, created_at, expires_at, revoked_at, last_used_at, "
    "created_by";

std::optional<core::TimeMs> OptionalTime(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return s.Int(column);
}

void BindOptional(Statement& s, int index, const std::optional<core::TimeMs>& t) {
  if (t) {
    s.Bind(index, *t);
  } else {
    s.BindNull(index);
  }
}

core::Result<OperatorToken> ReadToken(const Statement& s) {
  OperatorToken t;
  t.id = s.Int(0);
  t.name = s.Text(1);
  std::string role = s.Text(2);
  auto parsed = core::ParseRole(role);
  if (!parsed) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("token {}: stored role '{}' is invalid", t.id, role));
  }
  t.role = *parsed;
  t.secret_hash = s.Text(3);
  t.prefix = s.Text(4);
  t.created_at = s.Int(5);
  t.expires_at = OptionalTime(s, 6);
  t.revoked_at = OptionalTime(s, 7);
  t.last_used_at = OptionalTime(s, 8);
  t.created_by = s.Text(9);
  return t;
}

// The tokens matching `where` (one bound parameter, or none), by id.
template <class Key>
core::Result<std::vector<OperatorToken>> SelectTokens(Connection& db, std::string_view where,
                                                      const Key* key) {
  auto select = db.Prepare(fmt::format("SELECT {} FROM tokens {} ORDER BY id", kColumns, where));
  if (!select) return tl::unexpected(select.error());
  if (key != nullptr) select->Bind(1, *key);
  std::vector<OperatorToken> out;
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto token = ReadToken(*select);
    if (!token) return tl::unexpected(token.error());
    out.push_back(std::move(*token));
  }
}

}  // namespace

core::Result<OperatorToken> SqliteStore::CreateToken(OperatorToken token, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (token.created_at == 0) token.created_at = now;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto insert = db.Prepare(
        "INSERT INTO tokens (name, role, secret_hash, prefix, created_at, expires_at, "
        "revoked_at, last_used_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, std::string_view(token.name))
        .Bind(2, std::string_view(core::ToString(token.role)))
        .Bind(3, std::string_view(token.secret_hash))
        .Bind(4, std::string_view(token.prefix))
        .Bind(5, token.created_at);
    BindOptional(*insert, 6, token.expires_at);
    BindOptional(*insert, 7, token.revoked_at);
    BindOptional(*insert, 8, token.last_used_at);
    insert->Bind(9, std::string_view(token.created_by));
    if (auto r = insert->Run(); !r) {
      if (r.error().code != ErrorCode::kAlreadyExists) return r;
      return core::MakeError(ErrorCode::kAlreadyExists, "a token with this secret exists");
    }
    token.id = db.LastInsertId();
    if (audit.target_id.empty()) audit.target_id = std::to_string(token.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return token;
}

core::Result<OperatorToken> SqliteStore::FindTokenByHash(std::string_view secret_hash) {
  auto tokens =
      Read([&](Connection& db) { return SelectTokens(db, "WHERE secret_hash = ?", &secret_hash); });
  if (!tokens) return tl::unexpected(tokens.error());
  if (tokens->empty()) return core::MakeError(ErrorCode::kNotFound, "no token with this secret");
  return std::move(tokens->front());
}

core::Result<OperatorToken> SqliteStore::GetToken(core::TokenId id) {
  auto tokens = Read([&](Connection& db) { return SelectTokens(db, "WHERE id = ?", &id); });
  if (!tokens) return tl::unexpected(tokens.error());
  if (tokens->empty()) return NotFound("token", id);
  return std::move(tokens->front());
}

core::Result<std::vector<OperatorToken>> SqliteStore::ListTokens() {
  return Read([&](Connection& db) { return SelectTokens<std::int64_t>(db, "", nullptr); });
}

core::Result<void> SqliteStore::RevokeToken(core::TokenId id, core::TimeMs at,
                                            core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    // Revoking twice keeps the first revocation time.
    auto revoke = db.Prepare("UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?");
    if (!revoke) return tl::unexpected(revoke.error());
    revoke->Bind(1, at).Bind(2, id);
    if (auto r = revoke->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("token", id);
    return InsertAudit(db, audit, now);
  });
}

core::Result<void> SqliteStore::TouchToken(core::TokenId id, core::TimeMs at) {
  return Write([&](Connection& db) -> Result<void> {
    // Touches may arrive out of order from concurrent requests: keep the latest.
    auto touch = db.Prepare(
        "UPDATE tokens SET last_used_at = MAX(COALESCE(last_used_at, ?1), ?1) WHERE id = ?2");
    if (!touch) return tl::unexpected(touch.error());
    touch->Bind(1, at).Bind(2, id);
    if (auto r = touch->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("token", id);
    return {};
  });
}

core::Result<std::int64_t> SqliteStore::CountActiveTokens() {
  const core::TimeMs now = clock_.Now();
  return Read([&](Connection& db) -> Result<std::int64_t> {
    auto count = db.Prepare(
        "SELECT COUNT(*) FROM tokens WHERE revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > ?)");
    if (!count) return tl::unexpected(count.error());
    count->Bind(1, now);
    auto row = count->Step();
    if (!row) return tl::unexpected(row.error());
    return count->Int(0);
  });
}

}  // namespace custos::store::sqlite
