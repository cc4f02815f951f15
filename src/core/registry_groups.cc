#include <fmt/format.h>

#include "core/detail/json_text.h"
#include "core/registry.h"

namespace custos::core {
namespace {

using detail::JsonQuote;

Result<void> CheckGroupFilter(const Group& g) {
  if (g.kind == GroupKind::kStatic) {
    if (!g.filter.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "filter: a static group has no filter");
    }
    return {};
  }
  if (g.filter.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "filter: a dynamic group needs a filter");
  }
  auto parsed = filter::Parse(g.filter);
  if (!parsed) {
    Error e = parsed.error();
    e.message = "filter: " + e.message;
    return tl::unexpected(std::move(e));
  }
  return {};
}

Result<void> ValidateGroup(const Group& g) {
  if (auto ok = ValidateDeviceName(g.name); !ok) {
    return MakeError(ErrorCode::kInvalidArgument, ok.error().message);
  }
  if (g.description.size() > 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "description: longer than 1024 bytes");
  }
  if (auto ok = ValidateLabels(g.labels); !ok) return ok;
  return CheckGroupFilter(g);
}

Event GroupEvent(const char* type, const Group& g) {
  Event e;
  e.type = type;
  e.data_json = fmt::format(R"({{"group_id":{},"name":{},"kind":"{}"}})", g.id, JsonQuote(g.name),
                            ToString(g.kind));
  return e;
}

// Members are listed only for static groups; a dynamic group's follow its filter.
Result<void> CheckMembershipChange(Store& store, const Actor& actor, GroupId id,
                                   const std::vector<DeviceId>& ids) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) return ok;
  auto group = store.GetGroup(id);
  if (!group) return tl::unexpected(group.error());
  if (group->kind != GroupKind::kStatic) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("group {} is dynamic: its members follow its filter", id));
  }
  if (ids.empty() || ids.size() > 10000) {
    return MakeError(ErrorCode::kInvalidArgument, "devices: give 1 to 10000 device ids");
  }
  return {};
}

}  // namespace

Result<Group> Registry::CreateGroup(const Actor& actor, Group group) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = ValidateGroup(group); !ok) return tl::unexpected(ok.error());
  group.id = 0;
  group.created_at = group.updated_at = clock_.Now();
  AuditEntry audit = Audit(actor, "group.create", "group", "",
                           fmt::format(R"({{"name":{},"kind":"{}"}})", JsonQuote(group.name),
                                       ToString(group.kind)));
  auto stored = store_.CreateGroup(std::move(group), std::move(audit));
  if (stored) events_.Publish(GroupEvent("group.created", *stored));
  return stored;
}

Result<Group> Registry::GetGroup(GroupId id) { return store_.GetGroup(id); }

Result<std::vector<Group>> Registry::ListGroups() { return store_.ListGroups(); }

Result<Group> Registry::UpdateGroup(const Actor& actor, GroupId id, const GroupPatch& patch) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) {
    return tl::unexpected(ok.error());
  }
  auto current = store_.GetGroup(id);
  if (!current) return current;
  if (patch.expected_version && *patch.expected_version != current->version) {
    return MakeError(ErrorCode::kConflict,
                     fmt::format("group {} is at version {}, not {}", id, current->version,
                                 *patch.expected_version));
  }
  Group next = *current;
  if (patch.name) next.name = *patch.name;
  if (patch.description) next.description = *patch.description;
  if (patch.filter) next.filter = *patch.filter;
  if (patch.labels) next.labels = *patch.labels;
  if (auto ok = ValidateGroup(next); !ok) return tl::unexpected(ok.error());
  auto stored = store_.UpdateGroup(
      next, Audit(actor, "group.update", "group", std::to_string(id),
                  fmt::format(R"({{"name":{},"filter":{}}})", JsonQuote(next.name),
                              JsonQuote(next.filter))));
  if (stored) events_.Publish(GroupEvent("group.updated", *stored));
  return stored;
}

Result<void> Registry::DeleteGroup(const Actor& actor, GroupId id) {
  if (auto ok = TokenService::Authorize(actor, Role::kOperator); !ok) return ok;
  auto current = store_.GetGroup(id);
  if (!current) return tl::unexpected(current.error());
  auto done = store_.DeleteGroup(
      id, Audit(actor, "group.delete", "group", std::to_string(id),
                fmt::format(R"({{"name":{}}})", JsonQuote(current->name))));
  if (done) events_.Publish(GroupEvent("group.deleted", *current));
  return done;
}

Result<void> Registry::AddGroupMembers(const Actor& actor, GroupId id,
                                       const std::vector<DeviceId>& ids) {
  if (auto ok = CheckMembershipChange(store_, actor, id, ids); !ok) return ok;
  return store_.AddGroupMembers(
      id, ids, Audit(actor, "group.add_members", "group", std::to_string(id),
                     fmt::format(R"({{"count":{}}})", ids.size())));
}

Result<void> Registry::RemoveGroupMembers(const Actor& actor, GroupId id,
                                          const std::vector<DeviceId>& ids) {
  if (auto ok = CheckMembershipChange(store_, actor, id, ids); !ok) return ok;
  return store_.RemoveGroupMembers(
      id, ids, Audit(actor, "group.remove_members", "group", std::to_string(id),
                     fmt::format(R"({{"count":{}}})", ids.size())));
}

}  // namespace custos::core
