// Maintenance windows (docs/api.md "Maintenance windows"): create, list, get, update, delete,
// and their attachment to groups. The store keeps them; ops checks them (cron, duration, zone)
// and is told when they change, so that what they hold is looked at again.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "ops/ops.h"

namespace custos::api::handlers {
namespace {

namespace js = boost::json;

js::object WindowToJson(const core::MaintenanceWindow& w, core::TimeMs now,
                        const std::vector<core::GroupId>* groups) {
  js::object o;
  o["id"] = w.id;
  o["name"] = w.name;
  o["description"] = w.description;
  o["cron"] = w.cron;
  o["duration_s"] = w.duration_s;
  o["time_zone"] = w.time_zone;
  if (auto compiled = ops::CompileWindow(w)) {
    std::vector<ops::WindowSchedule> one{*compiled};
    o["open_now"] = ops::InsideAny(one, now);
    auto next = ops::NextStart(*compiled, now);
    o["next_opening"] = next ? js::value(core::FormatTime(*next)) : js::value(nullptr);
  }
  if (groups != nullptr) {
    js::array ids;
    for (core::GroupId g : *groups) ids.emplace_back(g);
    o["groups"] = std::move(ids);
  }
  o["created_at"] = core::FormatTime(w.created_at);
  o["updated_at"] = core::FormatTime(w.updated_at);
  o["version"] = w.version;
  return o;
}

core::AuditEntry WindowAudit(const Request& req, std::string action, std::int64_t id,
                             js::object details = {}) {
  core::AuditEntry audit;
  audit.actor = req.actor.name;
  audit.actor_token_id = req.actor.token_id;
  audit.action = std::move(action);
  audit.target_type = "maintenance_window";
  audit.target_id = id == 0 ? "" : std::to_string(id);
  audit.details_json = js::serialize(details);
  return audit;
}

// The groups each window is attached to.
core::Result<std::map<core::MaintenanceWindowId, std::vector<core::GroupId>>> GroupsByWindow(
    const Services& s) {
  auto attachments = s.store.ListWindowAttachments();
  if (!attachments) return tl::unexpected(attachments.error());
  std::map<core::MaintenanceWindowId, std::vector<core::GroupId>> out;
  for (const core::WindowAttachment& a : *attachments) out[a.window_id].push_back(a.group_id);
  return out;
}

// Applies the members of `body` to `w` and checks the result.
core::Result<void> ApplyBody(const js::object& body, core::MaintenanceWindow& w) {
  if (auto ok = CheckMembers(body, {"name", "description", "cron", "duration_s", "time_zone",
                                    "version"});
      !ok) {
    return ok;
  }
  auto name = OptionalString(body, "name");
  if (!name) return tl::unexpected(name.error());
  if (*name) w.name = **name;
  if (w.name.empty() || w.name.size() > 128) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "name: 1 to 128 characters");
  }
  auto description = OptionalString(body, "description");
  if (!description) return tl::unexpected(description.error());
  if (*description) w.description = **description;
  auto cron = OptionalString(body, "cron");
  if (!cron) return tl::unexpected(cron.error());
  if (*cron) w.cron = **cron;
  auto duration = OptionalInt(body, "duration_s");
  if (!duration) return tl::unexpected(duration.error());
  if (*duration) w.duration_s = **duration;
  auto zone = OptionalString(body, "time_zone");
  if (!zone) return tl::unexpected(zone.error());
  if (*zone) w.time_zone = **zone;
  if (auto compiled = ops::CompileWindow(w); !compiled) return tl::unexpected(compiled.error());
  return {};
}

void WindowsChanged(const Services& s) {
  if (s.operations != nullptr) s.operations->MaintenanceWindowsChanged();
}

}  // namespace

HandlerResult CreateMaintenanceWindow(const Services& s, Request& req) {
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (!body->contains("name") || !body->contains("cron") || !body->contains("duration_s")) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "name, cron and duration_s are required");
  }
  core::MaintenanceWindow w;
  if (auto ok = ApplyBody(*body, w); !ok) return tl::unexpected(ok.error());
  js::object details;
  details["name"] = w.name;
  details["cron"] = w.cron;
  details["duration_s"] = w.duration_s;
  details["time_zone"] = w.time_zone;
  auto created = s.store.CreateMaintenanceWindow(
      w, WindowAudit(req, "maintenance_window.create", 0, std::move(details)));
  if (!created) return tl::unexpected(created.error());
  const std::vector<core::GroupId> none;
  Response res = JsonResponse(201, WindowToJson(*created, core::SystemClock().Now(), &none));
  res.headers.emplace_back("Location",
                           "/api/v1/maintenance-windows/" + std::to_string(created->id));
  return res;
}

HandlerResult ListMaintenanceWindows(const Services& s, Request& req) {
  auto windows = s.store.ListMaintenanceWindows();
  if (!windows) return tl::unexpected(windows.error());
  auto groups = GroupsByWindow(s);
  if (!groups) return tl::unexpected(groups.error());
  const core::TimeMs now = core::SystemClock().Now();
  js::array items;
  for (const core::MaintenanceWindow& w : *windows) {
    const std::vector<core::GroupId> none;
    auto it = groups->find(w.id);
    items.emplace_back(WindowToJson(w, now, it == groups->end() ? &none : &it->second));
  }
  js::object out;
  out["maintenance_windows"] = std::move(items);
  return JsonResponse(200, out);
}

HandlerResult GetMaintenanceWindow(const Services& s, Request& req) {
  auto id = PathId(req, "id", "maintenance window");
  if (!id) return tl::unexpected(id.error());
  auto w = s.store.GetMaintenanceWindow(*id);
  if (!w) return tl::unexpected(w.error());
  auto groups = GroupsByWindow(s);
  if (!groups) return tl::unexpected(groups.error());
  const std::vector<core::GroupId> none;
  auto it = groups->find(w->id);
  Response res = JsonResponse(200, WindowToJson(*w, core::SystemClock().Now(),
                                                it == groups->end() ? &none : &it->second));
  res.headers.emplace_back("ETag", VersionTag(w->version));
  return res;
}

HandlerResult PatchMaintenanceWindow(const Services& s, Request& req) {
  auto id = PathId(req, "id", "maintenance window");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  auto w = s.store.GetMaintenanceWindow(*id);
  if (!w) return tl::unexpected(w.error());
  auto in_body = OptionalInt(*body, "version");
  if (!in_body) return tl::unexpected(in_body.error());
  auto expected = ExpectedVersion(req, *in_body);
  if (!expected) return tl::unexpected(expected.error());
  if (*expected) w->version = **expected;
  if (auto ok = ApplyBody(*body, *w); !ok) return tl::unexpected(ok.error());
  js::object details = *body;
  auto updated =
      s.store.UpdateMaintenanceWindow(*w, WindowAudit(req, "maintenance_window.update", *id,
                                                      std::move(details)));
  if (!updated) return tl::unexpected(updated.error());
  WindowsChanged(s);
  return GetMaintenanceWindow(s, req);
}

HandlerResult DeleteMaintenanceWindow(const Services& s, Request& req) {
  auto id = PathId(req, "id", "maintenance window");
  if (!id) return tl::unexpected(id.error());
  if (auto ok = s.store.DeleteMaintenanceWindow(*id, WindowAudit(req, "maintenance_window.delete",
                                                                  *id));
      !ok) {
    return tl::unexpected(ok.error());
  }
  WindowsChanged(s);
  return NoContent();
}

HandlerResult ListGroupMaintenanceWindows(const Services& s, Request& req) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  if (auto group = s.registry.GetGroup(*id); !group) return tl::unexpected(group.error());
  auto attachments = s.store.ListWindowAttachments();
  if (!attachments) return tl::unexpected(attachments.error());
  const core::TimeMs now = core::SystemClock().Now();
  js::array items;
  for (const core::WindowAttachment& a : *attachments) {
    if (a.group_id != *id) continue;
    auto w = s.store.GetMaintenanceWindow(a.window_id);
    if (w) items.emplace_back(WindowToJson(*w, now, nullptr));
  }
  js::object out;
  out["maintenance_windows"] = std::move(items);
  return JsonResponse(200, out);
}

namespace {

using AttachmentChange = core::Result<void> (core::Store::*)(core::GroupId,
                                                             core::MaintenanceWindowId,
                                                             core::AuditEntry);

// PUT or DELETE /groups/{id}/maintenance-windows/{wid}: one store call, audited as `action`.
HandlerResult ChangeAttachment(const Services& s, Request& req, AttachmentChange change,
                               const char* action) {
  auto id = PathId(req, "id", "group");
  if (!id) return tl::unexpected(id.error());
  auto window = PathId(req, "wid", "maintenance window");
  if (!window) return tl::unexpected(window.error());
  js::object details;
  details["group_id"] = *id;
  if (auto ok = (s.store.*change)(*id, *window, WindowAudit(req, action, *window, details));
      !ok) {
    return tl::unexpected(ok.error());
  }
  WindowsChanged(s);
  return NoContent();
}

}  // namespace

HandlerResult AttachMaintenanceWindow(const Services& s, Request& req) {
  return ChangeAttachment(s, req, &core::Store::AttachMaintenanceWindow,
                          "maintenance_window.attach");
}

HandlerResult DetachMaintenanceWindow(const Services& s, Request& req) {
  return ChangeAttachment(s, req, &core::Store::DetachMaintenanceWindow,
                          "maintenance_window.detach");
}

}  // namespace custos::api::handlers
