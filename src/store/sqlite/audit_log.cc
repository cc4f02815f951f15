// The audit log: written inside the transaction of the change it describes, read newest first.
#include <fmt/format.h>

#include "store/sqlite/filter_sql.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {

using core::AuditEntry;
using core::ErrorCode;

namespace {
constexpr std::size_t kMaxAuditPage = 1000;
}  // namespace

core::Result<void> InsertAudit(Connection& db, AuditEntry& entry, core::TimeMs now) {
  if (entry.at == 0) entry.at = now;
  auto insert = db.Prepare(
      "INSERT INTO audit (at, actor, actor_token_id, action, target_type, target_id, "
      "details_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  insert->Bind(1, entry.at)
      .Bind(2, std::string_view(entry.actor))
      .Bind(3, entry.actor_token_id)
      .Bind(4, std::string_view(entry.action))
      .Bind(5, std::string_view(entry.target_type))
      .Bind(6, std::string_view(entry.target_id))
      .Bind(7, std::string_view(entry.details_json));
  if (auto r = insert->Run(); !r) return r;
  entry.id = db.LastInsertId();
  return {};
}

core::Result<std::vector<AuditEntry>> SqliteStore::ListAudit(const core::AuditQuery& query) {
  if (query.limit < 1 || query.limit > kMaxAuditPage) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("limit must be 1..{}", kMaxAuditPage));
  }
  std::string where;
  std::vector<SqlParam> params;
  auto add = [&](std::string_view condition, SqlParam param) {
    where += fmt::format("{}{}", where.empty() ? " WHERE " : " AND ", condition);
    params.push_back(std::move(param));
  };
  if (query.target_type) add("target_type = ?", SqlParam::Text(*query.target_type));
  if (query.target_id) add("target_id = ?", SqlParam::Text(*query.target_id));
  if (query.actor) add("actor = ?", SqlParam::Text(*query.actor));
  if (query.action_prefix && !query.action_prefix->empty()) {
    add("substr(action, 1, ?) = ?",
        SqlParam::Int(static_cast<std::int64_t>(query.action_prefix->size())));
    params.push_back(SqlParam::Text(*query.action_prefix));
  }
  // `since` is inclusive, `until` exclusive.
  if (query.since) add("at >= ?", SqlParam::Int(*query.since));
  if (query.until) add("at < ?", SqlParam::Int(*query.until));
  if (query.before_id) add("id < ?", SqlParam::Int(*query.before_id));
  std::string sql = fmt::format(
      "SELECT id, at, actor, actor_token_id, action, target_type, target_id, details_json "
      "FROM audit{} ORDER BY id DESC LIMIT ?",
      where);
  params.push_back(SqlParam::Int(static_cast<std::int64_t>(query.limit)));

  return Read([&](Connection& db) -> Result<std::vector<AuditEntry>> {
    auto select = db.Prepare(sql);
    if (!select) return tl::unexpected(select.error());
    BindParams(*select, params, 1);
    std::vector<AuditEntry> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      AuditEntry e;
      e.id = select->Int(0);
      e.at = select->Int(1);
      e.actor = select->Text(2);
      e.actor_token_id = select->Int(3);
      e.action = select->Text(4);
      e.target_type = select->Text(5);
      e.target_id = select->Text(6);
      e.details_json = select->Text(7);
      out.push_back(std::move(e));
    }
  });
}

}  // namespace custos::store::sqlite
