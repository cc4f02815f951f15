// Groups and static group membership.
#include <fmt/format.h>

#include "store/sqlite/sqlite_store_impl.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::Group;

constexpr std::string_view kColumns =
    "id, name, description, kind, filter, created_at, updated_at, version";

core::Result<Group> ReadGroup(const Statement& s) {
  Group g;
  g.id = s.Int(0);
  g.name = s.Text(1);
  g.description = s.Text(2);
  std::int64_t kind = s.Int(3);
  if (kind != 0 && kind != 1) {
    return core::MakeError(ErrorCode::kInternal,
                           fmt::format("group {}: stored kind {} is invalid", g.id, kind));
  }
  g.kind = kind == 0 ? core::GroupKind::kStatic : core::GroupKind::kDynamic;
  g.filter = s.Text(4);
  g.created_at = s.Int(5);
  g.updated_at = s.Int(6);
  g.version = s.Int(7);
  return g;
}

core::Result<void> LoadGroupLabels(Connection& db, Group& g) {
  auto select = db.Prepare("SELECT key, value FROM group_labels WHERE group_id = ?");
  if (!select) return tl::unexpected(select.error());
  select->Bind(1, g.id);
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    g.labels.emplace(select->Text(0), select->Text(1));
  }
}

core::Result<void> SaveGroupLabels(Connection& db, const Group& g) {
  auto clear = db.Prepare("DELETE FROM group_labels WHERE group_id = ?");
  if (!clear) return tl::unexpected(clear.error());
  clear->Bind(1, g.id);
  if (auto r = clear->Run(); !r) return r;
  auto insert = db.Prepare("INSERT INTO group_labels (group_id, key, value) VALUES (?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  for (const auto& [key, value] : g.labels) {
    insert->Bind(1, g.id).Bind(2, std::string_view(key)).Bind(3, std::string_view(value));
    if (auto r = insert->Run(); !r) return r;
    insert->Reset();
  }
  return {};
}

// Every group matching `where` (with one bound parameter, or none), with labels, by id.
template <class Key>
core::Result<std::vector<Group>> SelectGroups(Connection& db, std::string_view where,
                                              const Key* key) {
  auto select = db.Prepare(fmt::format("SELECT {} FROM groups {} ORDER BY id", kColumns, where));
  if (!select) return tl::unexpected(select.error());
  if (key != nullptr) select->Bind(1, *key);
  std::vector<Group> out;
  while (true) {
    auto row = select->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto group = ReadGroup(*select);
    if (!group) return tl::unexpected(group.error());
    out.push_back(std::move(*group));
  }
  select->Reset();
  for (Group& g : out) {
    if (auto r = LoadGroupLabels(db, g); !r) return tl::unexpected(r.error());
  }
  return out;
}

core::Result<void> NameTaken(const core::Result<void>& r, std::string_view name) {
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return core::MakeError(ErrorCode::kAlreadyExists,
                           fmt::format("group name '{}' already exists", name));
  }
  return r;
}

}  // namespace

core::Result<Group> SqliteStore::CreateGroup(Group group, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  if (group.created_at == 0) group.created_at = now;
  if (group.updated_at == 0) group.updated_at = group.created_at;
  group.version = 1;
  auto written = Write([&](Connection& db) -> Result<void> {
    auto insert = db.Prepare(
        "INSERT INTO groups (name, description, kind, filter, created_at, updated_at, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->Bind(1, std::string_view(group.name))
        .Bind(2, std::string_view(group.description))
        .Bind(3, std::int64_t{group.kind == core::GroupKind::kStatic ? 0 : 1})
        .Bind(4, std::string_view(group.filter))
        .Bind(5, group.created_at)
        .Bind(6, group.updated_at)
        .Bind(7, group.version);
    if (auto r = NameTaken(insert->Run(), group.name); !r) return r;
    group.id = db.LastInsertId();
    if (auto r = SaveGroupLabels(db, group); !r) return r;
    if (audit.target_id.empty()) audit.target_id = std::to_string(group.id);
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return group;
}

core::Result<Group> SqliteStore::GetGroup(core::GroupId id) {
  auto groups = Read([&](Connection& db) { return SelectGroups(db, "WHERE id = ?", &id); });
  if (!groups) return tl::unexpected(groups.error());
  if (groups->empty()) return NotFound("group", id);
  return std::move(groups->front());
}

core::Result<Group> SqliteStore::GetGroupByName(std::string_view name) {
  auto groups = Read([&](Connection& db) { return SelectGroups(db, "WHERE name = ?", &name); });
  if (!groups) return tl::unexpected(groups.error());
  if (groups->empty()) {
    return core::MakeError(ErrorCode::kNotFound, fmt::format("group '{}' not found", name));
  }
  return std::move(groups->front());
}

core::Result<std::vector<Group>> SqliteStore::ListGroups() {
  return Read([&](Connection& db) { return SelectGroups<std::int64_t>(db, "", nullptr); });
}

core::Result<Group> SqliteStore::UpdateGroup(Group group, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  auto written = Write([&](Connection& db) -> Result<void> {
    auto stored = db.Prepare("SELECT version, created_at FROM groups WHERE id = ?");
    if (!stored) return tl::unexpected(stored.error());
    stored->Bind(1, group.id);
    auto row = stored->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return NotFound("group", group.id);
    const std::int64_t version = stored->Int(0);
    if (version != group.version) {
      return core::MakeError(ErrorCode::kConflict, fmt::format("group {} is at version {}, not {}",
                                                               group.id, version, group.version));
    }
    group.created_at = stored->Int(1);
    stored->Reset();
    group.version = version + 1;
    group.updated_at = now;
    auto update = db.Prepare(
        "UPDATE groups SET name = ?, description = ?, kind = ?, filter = ?, updated_at = ?, "
        "version = ? WHERE id = ?");
    if (!update) return tl::unexpected(update.error());
    update->Bind(1, std::string_view(group.name))
        .Bind(2, std::string_view(group.description))
        .Bind(3, std::int64_t{group.kind == core::GroupKind::kStatic ? 0 : 1})
        .Bind(4, std::string_view(group.filter))
        .Bind(5, group.updated_at)
        .Bind(6, group.version)
        .Bind(7, group.id);
    if (auto r = NameTaken(update->Run(), group.name); !r) return r;
    if (auto r = SaveGroupLabels(db, group); !r) return r;
    return InsertAudit(db, audit, now);
  });
  if (!written) return tl::unexpected(written.error());
  return group;
}

core::Result<void> SqliteStore::DeleteGroup(core::GroupId id, core::AuditEntry audit) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto remove = db.Prepare("DELETE FROM groups WHERE id = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->Bind(1, id);
    if (auto r = remove->Run(); !r) return r;
    if (db.Changes() == 0) return NotFound("group", id);
    return InsertAudit(db, audit, now);
  });
}

core::Result<void> SqliteStore::AddGroupMembers(core::GroupId group,
                                                const std::vector<core::DeviceId>& devices,
                                                core::AuditEntry audit) {
  return ChangeMembers(group, devices, std::move(audit), true);
}

core::Result<void> SqliteStore::RemoveGroupMembers(core::GroupId group,
                                                   const std::vector<core::DeviceId>& devices,
                                                   core::AuditEntry audit) {
  return ChangeMembers(group, devices, std::move(audit), false);
}

core::Result<void> SqliteStore::ChangeMembers(core::GroupId group,
                                              const std::vector<core::DeviceId>& devices,
                                              core::AuditEntry audit, bool add) {
  const core::TimeMs now = clock_.Now();
  return Write([&](Connection& db) -> Result<void> {
    auto kind = db.Prepare("SELECT kind FROM groups WHERE id = ?");
    if (!kind) return tl::unexpected(kind.error());
    kind->Bind(1, group);
    auto row = kind->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return NotFound("group", group);
    if (kind->Int(0) != 0) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             fmt::format("group {} is dynamic: it has no explicit members", group));
    }
    kind->Reset();
    for (core::DeviceId id : devices) {
      auto exists = DeviceExists(db, id);
      if (!exists) return tl::unexpected(exists.error());
      if (!*exists) return NotFound("device", id);
    }
    auto change =
        db.Prepare(add ? "INSERT OR IGNORE INTO group_members (group_id, device_id) VALUES (?, ?)"
                       : "DELETE FROM group_members WHERE group_id = ? AND device_id = ?");
    if (!change) return tl::unexpected(change.error());
    for (core::DeviceId id : devices) {
      change->Bind(1, group).Bind(2, id);
      if (auto r = change->Run(); !r) return r;
      change->Reset();
    }
    return InsertAudit(db, audit, now);
  });
}

core::Result<std::vector<core::GroupId>> SqliteStore::GroupsOfDevice(core::DeviceId device) {
  return Read([&](Connection& db) -> Result<std::vector<core::GroupId>> {
    auto exists = DeviceExists(db, device);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) return NotFound("device", device);
    auto select =
        db.Prepare("SELECT group_id FROM group_members WHERE device_id = ? ORDER BY group_id");
    if (!select) return tl::unexpected(select.error());
    select->Bind(1, device);
    std::vector<core::GroupId> out;
    while (true) {
      auto row = select->Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return out;
      out.push_back(select->Int(0));
    }
  });
}

}  // namespace custos::store::sqlite
