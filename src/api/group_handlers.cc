// Groups (docs/api.md "Groups"): static groups with explicit members, dynamic groups with a
// saved filter.
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "json/json.h"

namespace custos::api::handlers {

namespace {

Response GroupResponse(int status, const core::Group& g) {
  Response res = JsonResponse(status, json::ToJson(g));
  res.headers.emplace_back("ETag", VersionTag(g.version));
  return res;
}

using MemberChange = core::Result<void> (core::Registry::*)(const core::Actor&, core::GroupId,
                                                            const std::vector<core::DeviceId>&);

HandlerResult ChangeMembers(const Services& s, Request& req, MemberChange change) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"devices"}); !ok) return tl::unexpected(ok.error());
  auto ids = RequiredIdList(*body, "devices");
  if (!ids) return tl::unexpected(ids.error());
  if (auto ok = (s.registry.*change)(req.actor, *id, *ids); !ok) {
    return tl::unexpected(ok.error());
  }
  return NoContent();
}

}  // namespace

HandlerResult CreateGroup(const Services& s, Request& req) {
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"name", "kind", "filter", "description", "labels"}); !ok) {
    return tl::unexpected(ok.error());
  }
  core::Group group;
  auto name = RequiredString(*body, "name");
  if (!name) return tl::unexpected(name.error());
  group.name = std::move(*name);
  auto kind = RequiredString(*body, "kind");
  if (!kind) return tl::unexpected(kind.error());
  if (*kind == "static") {
    group.kind = core::GroupKind::kStatic;
  } else if (*kind == "dynamic") {
    group.kind = core::GroupKind::kDynamic;
  } else {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "kind: expected \"static\" or \"dynamic\"");
  }
  auto filter = OptionalString(*body, "filter");
  if (!filter) return tl::unexpected(filter.error());
  group.filter = filter->value_or("");
  auto description = OptionalString(*body, "description");
  if (!description) return tl::unexpected(description.error());
  group.description = description->value_or("");
  auto labels = OptionalLabels(*body, "labels");
  if (!labels) return tl::unexpected(labels.error());
  if (*labels) group.labels = std::move(**labels);

  auto created = s.registry.CreateGroup(req.actor, std::move(group));
  if (!created) return tl::unexpected(created.error());
  Response res = GroupResponse(201, *created);
  res.headers.emplace_back("Location", "/api/v1/groups/" + std::to_string(created->id));
  return res;
}

HandlerResult ListGroups(const Services& s, Request& req) {
  auto groups = s.registry.ListGroups();
  if (!groups) return tl::unexpected(groups.error());
  boost::json::array items;
  for (const core::Group& g : *groups) items.emplace_back(json::ToJson(g));
  boost::json::object out;
  out["groups"] = std::move(items);
  return JsonResponse(200, out);
}

HandlerResult GetGroup(const Services& s, Request& req) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  auto group = s.registry.GetGroup(*id);
  if (!group) return tl::unexpected(group.error());
  return GroupResponse(200, *group);
}

HandlerResult PatchGroup(const Services& s, Request& req) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"name", "description", "filter", "labels", "version"}); !ok) {
    return tl::unexpected(ok.error());
  }
  core::GroupPatch patch;
  auto name = OptionalString(*body, "name");
  if (!name) return tl::unexpected(name.error());
  patch.name = std::move(*name);
  auto description = OptionalString(*body, "description");
  if (!description) return tl::unexpected(description.error());
  patch.description = std::move(*description);
  auto filter = OptionalString(*body, "filter");
  if (!filter) return tl::unexpected(filter.error());
  patch.filter = std::move(*filter);
  auto labels = OptionalLabels(*body, "labels");
  if (!labels) return tl::unexpected(labels.error());
  patch.labels = std::move(*labels);
  auto version = OptionalInt(*body, "version");
  if (!version) return tl::unexpected(version.error());
  auto expected = ExpectedVersion(req, *version);
  if (!expected) return tl::unexpected(expected.error());
  patch.expected_version = *expected;

  auto updated = s.registry.UpdateGroup(req.actor, *id, patch);
  if (!updated) return tl::unexpected(updated.error());
  return GroupResponse(200, *updated);
}

HandlerResult DeleteGroup(const Services& s, Request& req) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  if (auto ok = s.registry.DeleteGroup(req.actor, *id); !ok) return tl::unexpected(ok.error());
  return NoContent();
}

HandlerResult ListGroupDevices(const Services& s, Request& req) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  return DevicePage(s, req, *id);
}

HandlerResult AddGroupMembers(const Services& s, Request& req) {
  return ChangeMembers(s, req, &core::Registry::AddGroupMembers);
}

HandlerResult RemoveGroupMembers(const Services& s, Request& req) {
  return ChangeMembers(s, req, &core::Registry::RemoveGroupMembers);
}

}  // namespace custos::api::handlers
