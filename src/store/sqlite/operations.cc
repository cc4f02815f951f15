// Remote operations: one row per operation in `operations` (migration 4). A transition is an
// UPDATE guarded by the state it leaves, so that two writers cannot both move one operation.
#include <fmt/format.h>

#include <charconv>

#include "store/sqlite/cursor.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::Operation;

constexpr std::string_view kColumns =
    "id, device_id, kind, parameters_json, requested_by, state, waiting_for, attempts, "
    "schedule_at, next_attempt_at, deadline, battery_threshold, result_json, campaign_id, "
    "created_at, updated_at, window_ids, ignore_windows";

constexpr std::string_view kUnfinished =
    "state IN ('pending', 'scheduled', 'waiting', 'sent', 'in_progress')";

std::optional<std::int64_t> OptionalInt(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return s.Int(column);
}

void BindOptional(Statement& s, int index, std::optional<std::int64_t> value) {
  if (value) {
    s.Bind(index, *value);
  } else {
    s.BindNull(index);
  }
}

// window_ids are stored as their decimal ids joined by commas ("" for none).
std::string WindowIdsText(const std::vector<std::int64_t>& ids) {
  std::string text;
  for (std::int64_t id : ids) {
    if (!text.empty()) text += ',';
    text += std::to_string(id);
  }
  return text;
}

std::vector<std::int64_t> ParseWindowIds(std::string_view text) {
  std::vector<std::int64_t> ids;
  while (!text.empty()) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc()) ids.push_back(id);
    const std::size_t comma = text.find(',');
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

core::Result<Operation> ReadOperation(const Statement& s) {
  Operation op;
  op.id = s.Int(0);
  op.device_id = s.Int(1);
  auto kind = core::ParseOperationKind(s.Text(2));
  auto state = core::ParseOperationState(s.Text(5));
  if (!kind || !state) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("operation {}: stored kind or state is invalid", op.id));
  }
  op.kind = *kind;
  op.parameters_json = s.Text(3);
  op.requested_by = s.Text(4);
  op.state = *state;
  op.waiting_for = s.Text(6);
  op.attempts = static_cast<int>(s.Int(7));
  op.schedule_at = OptionalInt(s, 8);
  op.next_attempt_at = OptionalInt(s, 9);
  op.deadline = OptionalInt(s, 10);
  if (auto t = OptionalInt(s, 11)) op.battery_threshold = static_cast<int>(*t);
  op.result_json = s.Text(12);
  op.campaign_id = OptionalInt(s, 13);
  op.created_at = s.Int(14);
  op.updated_at = s.Int(15);
  op.window_ids = ParseWindowIds(s.Text(16));
  op.ignore_maintenance_windows = s.Int(17) != 0;
  return op;
}

core::Result<Operation> SelectOperation(Connection& db, std::int64_t id) {
  auto select = db.Prepare(fmt::format("SELECT {} FROM operations WHERE id = ?", kColumns));
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, id);
  auto row = select->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return NotFound("operation", id);
  return ReadOperation(*select);
}

// Rows of a prepared SELECT of kColumns, in order.
core::Result<std::vector<Operation>> ReadAll(Statement& select) {
  std::vector<Operation> out;
  while (true) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto op = ReadOperation(select);
    if (!op) return tl::unexpected(op.error());
    out.push_back(std::move(*op));
  }
}

// The cursor of operation listings: base64url of "op:<last id>".
std::string OperationCursor(std::int64_t last_id) {
  return Base64UrlEncode(fmt::format("op:{}", last_id));
}

core::Result<std::int64_t> ParseOperationCursor(std::string_view cursor) {
  auto bad = [] { return core::MakeError(ErrorCode::kInvalidArgument, "invalid cursor"); };
  auto text = Base64UrlDecode(cursor);
  if (!text || !text->starts_with("op:")) return bad();
  std::string_view digits = std::string_view(*text).substr(3);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || id < 0) {
    return bad();
  }
  return id;
}

// Inserts `op` and sets its id.
core::Result<void> InsertOperation(Connection& db, Operation& op) {
  auto insert = db.Prepare(
      "INSERT INTO operations (device_id, kind, parameters_json, requested_by, state, "
      "waiting_for, attempts, schedule_at, next_attempt_at, deadline, battery_threshold, "
      "result_json, campaign_id, created_at, updated_at, window_ids, ignore_windows) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  insert->Bind(1, op.device_id)
      .Bind(2, std::string_view(core::ToString(op.kind)))
      .Bind(3, std::string_view(op.parameters_json))
      .Bind(4, std::string_view(op.requested_by))
      .Bind(5, std::string_view(core::ToString(op.state)))
      .Bind(6, std::string_view(op.waiting_for))
      .Bind(7, std::int64_t{op.attempts});
  BindOptional(*insert, 8, op.schedule_at);
  BindOptional(*insert, 9, op.next_attempt_at);
  BindOptional(*insert, 10, op.deadline);
  BindOptional(*insert, 11, op.battery_threshold);
  insert->Bind(12, std::string_view(op.result_json));
  BindOptional(*insert, 13, op.campaign_id);
  insert->Bind(14, op.created_at)
      .Bind(15, op.updated_at)
      .Bind(16, std::string_view(WindowIdsText(op.window_ids)))
      .Bind(17, std::int64_t{op.ignore_maintenance_windows ? 1 : 0});
  if (auto r = insert->Run(); !r) return r;
  op.id = db.LastInsertId();
  return {};
}

}  // namespace

core::Result<Operation> SqliteStore::CreateOperation(Operation op, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (op.created_at == 0) op.created_at = now;
  if (op.updated_at == 0) op.updated_at = op.created_at;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto exists = DeviceExists(db, op.device_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) return NotFound("device", op.device_id);
    if (auto r = InsertOperation(db, op); !r) return r;
    if (audit.target_id.empty()) audit.target_id = std::to_string(op.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return op;
}

core::Result<std::vector<Operation>> SqliteStore::CreateOperations(std::vector<Operation> ops,
                                                                   core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  std::vector<Operation> created;
  auto written = Write([&](Connection& db) -> Result<void> {
    created.clear();  // a retried transaction starts again
    created.reserve(ops.size());
    for (const Operation& input : ops) {
      auto exists = DeviceExists(db, input.device_id);
      if (!exists) return tl::unexpected(exists.error());
      if (!*exists) continue;
      Operation op = input;
      if (op.created_at == 0) op.created_at = now;
      if (op.updated_at == 0) op.updated_at = op.created_at;
      if (auto r = InsertOperation(db, op); !r) return r;
      created.push_back(std::move(op));
    }
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return created;
}

core::Result<Operation> SqliteStore::GetOperation(std::int64_t id) {
  return Read([&](Connection& db) { return SelectOperation(db, id); });
}

namespace {

// One transition inside the caller's transaction: UpdateOperation's contract.
core::Result<Operation> ApplyOperationUpdate(Connection& db, const Operation& op,
                                             core::OperationState expected_state,
                                             std::optional<core::AuditEntry>& audit,
                                             core::TimeMs now) {
  auto update = db.Prepare(
      "UPDATE operations SET state = ?, waiting_for = ?, attempts = ?, deadline = ?, "
      "schedule_at = ?, next_attempt_at = ?, result_json = ?, updated_at = ? "
      "WHERE id = ? AND state = ?");
  if (!update) return tl::unexpected(update.error());
  update->Bind(1, std::string_view(core::ToString(op.state)))
      .Bind(2, std::string_view(op.waiting_for))
      .Bind(3, std::int64_t{op.attempts});
  BindOptional(*update, 4, op.deadline);
  BindOptional(*update, 5, op.schedule_at);
  BindOptional(*update, 6, op.next_attempt_at);
  update->Bind(7, std::string_view(op.result_json))
      .Bind(8, now)
      .Bind(9, op.id)
      .Bind(10, std::string_view(core::ToString(expected_state)));
  if (auto r = update->Run(); !r) return tl::unexpected(r.error());
  if (db.Changes() == 0) {
    auto current = SelectOperation(db, op.id);
    if (!current) return tl::unexpected(current.error());
    return core::MakeError(ErrorCode::kConflict,
                           fmt::format("operation {} is {}, not {}", op.id,
                                       core::ToString(current->state),
                                       core::ToString(expected_state)));
  }
  if (audit) {
    if (audit->target_id.empty()) audit->target_id = std::to_string(op.id);
    if (auto r = InsertAudit(db, *audit, now); !r) return tl::unexpected(r.error());
  }
  return SelectOperation(db, op.id);
}

}  // namespace

core::Result<Operation> SqliteStore::UpdateOperation(Operation op,
                                                     core::OperationState expected_state,
                                                     std::optional<core::AuditEntry> audit) {
  const core::TimeMs now = clock_.Now();
  Operation saved;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto stored = ApplyOperationUpdate(db, op, expected_state, audit, now);
    if (!stored) return tl::unexpected(stored.error());
    saved = std::move(*stored);
    return {};
  });
  if (!written) return tl::unexpected(written.error());
  return saved;
}

std::vector<core::Result<Operation>> SqliteStore::UpdateOperations(
    std::vector<core::OperationUpdate> updates) {
  const core::TimeMs now = clock_.Now();
  std::vector<core::Result<Operation>> answers;
  auto written = Write([&](Connection& db) -> Result<void> {
    answers.clear();  // a retried unit of work starts again
    answers.reserve(updates.size());
    for (core::OperationUpdate& u : updates) {
      // Each in a savepoint of its own: a failed one (its audit entry, say) leaves no trace
      // and does not undo the others.
      if (auto r = db.ExecCached("SAVEPOINT operation_update"); !r) return r;
      auto stored = ApplyOperationUpdate(db, u.operation, u.expected_state, u.audit, now);
      if (!stored) {
        if (auto r = db.ExecCached("ROLLBACK TO operation_update"); !r) return r;
      }
      if (auto r = db.ExecCached("RELEASE operation_update"); !r) return r;
      answers.push_back(std::move(stored));
    }
    return {};
  });
  if (!written) {
    answers.assign(updates.size(), tl::unexpected(written.error()));
  }
  return answers;
}

core::Result<core::OperationPage> SqliteStore::ListOperations(const core::OperationQuery& q) {
  if (q.limit < 1 || q.limit > 1000) {
    return core::MakeError(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000");
  }
  std::int64_t after = 0;
  if (!q.after.empty()) {
    auto parsed = ParseOperationCursor(q.after);
    if (!parsed) return tl::unexpected(parsed.error());
    after = *parsed;
  }
  std::string sql = fmt::format("SELECT {} FROM operations WHERE id > ?1", kColumns);
  if (q.device_id) sql += " AND device_id = ?2";
  if (q.state) sql += " AND state = ?3";
  if (q.kind) sql += " AND kind = ?4";
  if (q.campaign_id) sql += " AND campaign_id = ?5";
  sql += " ORDER BY id LIMIT ?6";
  return Read([&](Connection& db) -> Result<core::OperationPage> {
    auto select = db.Prepare(sql);
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, after);
    if (q.device_id) select->Bind(2, *q.device_id);
    if (q.state) select->Bind(3, std::string_view(core::ToString(*q.state)));
    if (q.kind) select->Bind(4, std::string_view(core::ToString(*q.kind)));
    if (q.campaign_id) select->Bind(5, *q.campaign_id);
    // One more than asked tells whether another page follows.
    select->Bind(6, static_cast<std::int64_t>(q.limit + 1));
    auto rows = ReadAll(*select);
    if (!rows) return tl::unexpected(rows.error());
    core::OperationPage page;
    if (rows->size() > q.limit) {
      rows->resize(q.limit);
      page.next_cursor = OperationCursor(rows->back().id);
    }
    page.operations = std::move(*rows);
    return page;
  });
}

core::Result<std::vector<Operation>> SqliteStore::ListUnfinishedOperations() {
  return Read([&](Connection& db) -> Result<std::vector<Operation>> {
    auto select = db.Prepare(fmt::format(
        "SELECT {} FROM operations INDEXED BY operations_unfinished WHERE {} ORDER BY id", kColumns,
        kUnfinished));
    if (!select) return tl::unexpected(select.error());
    return ReadAll(*select);
  });
}

}  // namespace custos::store::sqlite
