// Staged campaigns (docs/api.md, "Campaigns"): create, list, get with counts and timeline,
// the member devices, pause, resume, abort. The campaign manager does the work.
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "campaign/campaign.h"

namespace custos::api::handlers {
namespace {

namespace js = boost::json;

core::Result<campaign::Manager*> ManagerOf(const Services& s) {
  if (s.campaigns == nullptr) {
    return core::MakeError(core::ErrorCode::kUnavailable, "campaigns are not running");
  }
  return s.campaigns;
}

js::value ParsedOr(const std::string& text, js::value fallback) {
  boost::system::error_code ec;
  js::value v = js::parse(text, ec);
  return ec ? fallback : v;
}

js::object CampaignToJson(const campaign::CampaignView& view, bool with_timeline) {
  js::object o;
  o["id"] = view.record.id;
  o["name"] = view.record.name;
  o["state"] = campaign::ToString(view.state);
  o["created_by"] = view.record.created_by;
  o["created_at"] = core::FormatTime(view.record.created_at);
  o["updated_at"] = core::FormatTime(view.record.updated_at);
  o["spec"] = ParsedOr(view.record.spec_json, js::object());
  o["total"] = view.total;
  o["batches_started"] = view.batches_started;
  js::object counts;
  for (const auto& [outcome, n] : view.counts) counts[outcome] = n;
  o["counts"] = std::move(counts);
  if (with_timeline) {
    js::array timeline;
    for (const core::CampaignEvent& e : view.timeline) {
      js::object entry;
      entry["at"] = core::FormatTime(e.at);
      entry["kind"] = e.kind;
      entry["details"] = ParsedOr(e.details_json, js::object());
      timeline.emplace_back(std::move(entry));
    }
    o["timeline"] = std::move(timeline);
  }
  return o;
}

// A page cursor is the last id of the page, as text.
core::Result<std::int64_t> CursorOf(const Request& req) {
  const std::string* cursor = req.Query("cursor");
  if (cursor == nullptr || cursor->empty()) return 0;
  auto id = ParseInt64(*cursor);
  if (!id || *id < 0) return core::MakeError(core::ErrorCode::kInvalidArgument, "invalid cursor");
  return *id;
}

core::Result<std::size_t> LimitOf(const Request& req) {
  auto limit = QueryInt(req, "limit", 1, 1000);
  if (!limit) return tl::unexpected(limit.error());
  return *limit ? static_cast<std::size_t>(**limit) : std::size_t{100};
}

HandlerResult Control(const Services& s, Request& req, std::string_view action) {
  auto manager = ManagerOf(s);
  if (!manager) return tl::unexpected(manager.error());
  auto id = PathId(req, "id", "campaign");
  if (!id) return tl::unexpected(id.error());
  core::Result<campaign::CampaignView> view =
      action == "pause"    ? (*manager)->Pause(req.actor, *id)
      : action == "resume" ? (*manager)->Resume(req.actor, *id)
                           : (*manager)->Abort(req.actor, *id);
  if (!view) return tl::unexpected(view.error());
  return JsonResponse(200, CampaignToJson(*view, false));
}

}  // namespace

HandlerResult CreateCampaign(const Services& s, Request& req) {
  auto manager = ManagerOf(s);
  if (!manager) return tl::unexpected(manager.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"name", "selector", "continuous", "operation", "rollout",
                                     "thresholds", "order_by"});
      !ok) {
    return tl::unexpected(ok.error());
  }
  auto spec = campaign::ParseSpec(js::serialize(*body));
  if (!spec) return tl::unexpected(spec.error());
  auto created = (*manager)->Create(req.actor, std::move(*spec));
  if (!created) return tl::unexpected(created.error());
  return JsonResponse(201, CampaignToJson(*created, false));
}

HandlerResult ListCampaigns(const Services& s, Request& req) {
  auto manager = ManagerOf(s);
  if (!manager) return tl::unexpected(manager.error());
  auto after = CursorOf(req);
  if (!after) return tl::unexpected(after.error());
  auto limit = LimitOf(req);
  if (!limit) return tl::unexpected(limit.error());
  auto views = (*manager)->List(*after, *limit);
  if (!views) return tl::unexpected(views.error());
  js::array campaigns;
  for (const campaign::CampaignView& view : *views) {
    campaigns.emplace_back(CampaignToJson(view, false));
  }
  js::object out;
  out["campaigns"] = std::move(campaigns);
  out["next_cursor"] = views->size() == *limit ? js::value(std::to_string(views->back().record.id))
                                               : js::value(nullptr);
  return JsonResponse(200, out);
}

HandlerResult GetCampaign(const Services& s, Request& req) {
  auto manager = ManagerOf(s);
  if (!manager) return tl::unexpected(manager.error());
  auto id = PathId(req, "id", "campaign");
  if (!id) return tl::unexpected(id.error());
  auto view = (*manager)->Get(*id);
  if (!view) return tl::unexpected(view.error());
  return JsonResponse(200, CampaignToJson(*view, true));
}

HandlerResult ListCampaignDevices(const Services& s, Request& req) {
  auto manager = ManagerOf(s);
  if (!manager) return tl::unexpected(manager.error());
  auto id = PathId(req, "id", "campaign");
  if (!id) return tl::unexpected(id.error());
  auto after = CursorOf(req);
  if (!after) return tl::unexpected(after.error());
  auto limit = LimitOf(req);
  if (!limit) return tl::unexpected(limit.error());
  auto members = (*manager)->Members(*id, *after, *limit);
  if (!members) return tl::unexpected(members.error());
  js::array devices;
  for (const core::CampaignMember& m : *members) {
    js::object o;
    o["device_id"] = m.device_id;
    o["stage"] = m.stage;
    o["batch"] = m.batch >= 0 ? js::value(m.batch) : js::value(nullptr);
    o["operation_id"] = m.operation_id ? js::value(*m.operation_id) : js::value(nullptr);
    o["outcome"] = m.outcome;
    o["updated_at"] = core::FormatTime(m.updated_at);
    devices.emplace_back(std::move(o));
  }
  js::object out;
  out["devices"] = std::move(devices);
  out["next_cursor"] = members->size() == *limit
                           ? js::value(std::to_string(members->back().device_id))
                           : js::value(nullptr);
  return JsonResponse(200, out);
}

HandlerResult PauseCampaign(const Services& s, Request& req) { return Control(s, req, "pause"); }
HandlerResult ResumeCampaign(const Services& s, Request& req) {
  return Control(s, req, "resume");
}
HandlerResult AbortCampaign(const Services& s, Request& req) { return Control(s, req, "abort"); }

}  // namespace custos::api::handlers
