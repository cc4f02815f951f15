// Remote operations (docs/api.md, "Operations"): create one for a device, list, get, cancel.
// The operations engine does the work; these handlers map JSON to its requests.
#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "ops/ops.h"

namespace custos::api::handlers {
namespace {

namespace js = boost::json;

js::value TimeOrNull(const std::optional<core::TimeMs>& t) {
  return t ? js::value(core::FormatTime(*t)) : js::value(nullptr);
}

js::value ObjectOf(const std::string& text) {
  boost::system::error_code ec;
  js::value v = js::parse(text, ec);
  return ec ? js::value(js::object()) : v;
}

}  // namespace

js::object OperationToJson(const core::Operation& op) {
  js::object o;
  o["id"] = op.id;
  o["device_id"] = op.device_id;
  o["kind"] = core::ToString(op.kind);
  o["parameters"] = ObjectOf(op.parameters_json);
  o["state"] = core::ToString(op.state);
  o["waiting_for"] = op.waiting_for.empty() ? js::value(nullptr) : js::value(op.waiting_for);
  o["attempts"] = op.attempts;
  o["requested_by"] = op.requested_by;
  o["deadline"] = TimeOrNull(op.deadline);
  o["schedule_at"] = TimeOrNull(op.schedule_at);
  o["next_attempt_at"] = TimeOrNull(op.next_attempt_at);
  o["battery_threshold"] =
      op.battery_threshold ? js::value(*op.battery_threshold) : js::value(nullptr);
  o["campaign_id"] = op.campaign_id ? js::value(*op.campaign_id) : js::value(nullptr);
  js::array window_ids;
  for (std::int64_t id : op.window_ids) window_ids.emplace_back(id);
  o["window_ids"] = std::move(window_ids);
  o["ignore_maintenance_windows"] = op.ignore_maintenance_windows;
  o["result"] = ObjectOf(op.result_json);
  o["created_at"] = core::FormatTime(op.created_at);
  o["updated_at"] = core::FormatTime(op.updated_at);
  return o;
}

namespace {

core::Result<ops::Engine*> EngineOf(const Services& s) {
  if (s.operations == nullptr) {
    return core::MakeError(core::ErrorCode::kUnavailable, "remote operations are not running");
  }
  return s.operations;
}

core::Result<std::optional<core::TimeMs>> OptionalTime(const js::object& body,
                                                       std::string_view key) {
  auto text = OptionalString(body, key);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return std::optional<core::TimeMs>();
  auto t = core::ParseTime(**text);
  if (!t) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           std::string(key) + ": must be an RFC 3339 date-time");
  }
  return std::optional<core::TimeMs>(*t);
}

core::Result<ops::OperationRequest> RequestFromJson(const js::object& body, core::DeviceId device) {
  if (auto ok = CheckMembers(body, {"kind", "parameters", "deadline", "timeout_s", "schedule_at",
                                    "on_conflict", "battery_threshold", "window_ids",
                                    "ignore_maintenance_windows"});
      !ok) {
    return tl::unexpected(ok.error());
  }
  ops::OperationRequest r;
  r.device_id = device;
  auto kind_text = RequiredString(body, "kind");
  if (!kind_text) return tl::unexpected(kind_text.error());
  auto kind = core::ParseOperationKind(*kind_text);
  if (!kind) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "kind: must be one of reboot, factory_reset, enable, disable, "
                           "firmware_update, configure, read, write, execute, custom");
  }
  r.kind = *kind;
  if (const js::value* p = body.if_contains("parameters"); p && !p->is_null()) {
    if (!p->is_object()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "parameters: must be a JSON object");
    }
    r.parameters_json = js::serialize(*p);
  }
  auto deadline = OptionalTime(body, "deadline");
  if (!deadline) return tl::unexpected(deadline.error());
  r.deadline = *deadline;
  auto timeout = OptionalInt(body, "timeout_s");
  if (!timeout) return tl::unexpected(timeout.error());
  if (*timeout) {
    if (r.deadline) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "give either deadline or timeout_s, not both");
    }
    if (**timeout <= 0 || **timeout > 366LL * 86400) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "timeout_s: must be from 1 to 31622400");
    }
    r.timeout_ms = **timeout * 1000;
  }
  auto schedule_at = OptionalTime(body, "schedule_at");
  if (!schedule_at) return tl::unexpected(schedule_at.error());
  r.schedule_at = *schedule_at;
  auto on_conflict = OptionalString(body, "on_conflict");
  if (!on_conflict) return tl::unexpected(on_conflict.error());
  if (*on_conflict) {
    auto parsed = ops::ParseOnConflict(**on_conflict);
    if (!parsed) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "on_conflict: must be \"wait\" or \"reject\"");
    }
    r.on_conflict = *parsed;
  }
  auto threshold = OptionalInt(body, "battery_threshold");
  if (!threshold) return tl::unexpected(threshold.error());
  if (*threshold) {
    if (**threshold < 0 || **threshold > 100) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "battery_threshold: must be from 0 to 100");
    }
    r.battery_threshold = static_cast<int>(**threshold);
  }
  if (const js::value* w = body.if_contains("window_ids"); w && !w->is_null()) {
    auto ids = RequiredIdList(body, "window_ids");
    if (!ids) return tl::unexpected(ids.error());
    r.window_ids = std::move(*ids);
  }
  if (const js::value* ignore = body.if_contains("ignore_maintenance_windows");
      ignore && !ignore->is_null()) {
    if (!ignore->is_bool()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "ignore_maintenance_windows: must be true or false");
    }
    r.ignore_maintenance_windows = ignore->as_bool();
  }
  return r;
}

// A page of operations for `query`, with the filters of the query string added.
HandlerResult OperationPage(const Services& s, const Request& req, core::OperationQuery query) {
  auto engine = EngineOf(s);
  if (!engine) return tl::unexpected(engine.error());
  if (const std::string* state = req.Query("state"); state && !state->empty()) {
    query.state = core::ParseOperationState(*state);
    if (!query.state) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "state: not an operation state");
    }
  }
  if (const std::string* kind = req.Query("kind"); kind && !kind->empty()) {
    query.kind = core::ParseOperationKind(*kind);
    if (!query.kind) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "kind: not an operation kind");
    }
  }
  auto campaign = QueryInt(req, "campaign", 1, INT64_MAX);
  if (!campaign) return tl::unexpected(campaign.error());
  query.campaign_id = *campaign;
  if (const std::string* cursor = req.Query("cursor")) query.after = *cursor;
  auto limit = QueryInt(req, "limit", 1, 1000);
  if (!limit) return tl::unexpected(limit.error());
  if (*limit) query.limit = static_cast<std::size_t>(**limit);
  auto page = (*engine)->List(query);
  if (!page) return tl::unexpected(page.error());
  js::array operations;
  operations.reserve(page->operations.size());
  for (const core::Operation& op : page->operations) operations.emplace_back(OperationToJson(op));
  js::object out;
  out["operations"] = std::move(operations);
  out["next_cursor"] =
      page->next_cursor.empty() ? js::value(nullptr) : js::value(page->next_cursor);
  return JsonResponse(200, out);
}

}  // namespace

HandlerResult CreateOperation(const Services& s, Request& req) {
  auto engine = EngineOf(s);
  if (!engine) return tl::unexpected(engine.error());
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  auto request = RequestFromJson(*body, *id);
  if (!request) return tl::unexpected(request.error());
  auto created = (*engine)->Create(req.actor, *request);
  if (!created) return tl::unexpected(created.error());
  return JsonResponse(201, OperationToJson(*created));
}

HandlerResult ListDeviceOperations(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  if (auto device = s.registry.GetDevice(*id); !device) return tl::unexpected(device.error());
  core::OperationQuery query;
  query.device_id = *id;
  return OperationPage(s, req, query);
}

HandlerResult ListOperations(const Services& s, Request& req) {
  core::OperationQuery query;
  auto device = QueryInt(req, "device", 1, INT64_MAX);
  if (!device) return tl::unexpected(device.error());
  query.device_id = *device;
  return OperationPage(s, req, query);
}

HandlerResult GetOperation(const Services& s, Request& req) {
  auto engine = EngineOf(s);
  if (!engine) return tl::unexpected(engine.error());
  auto id = PathId(req, "id", "operation");
  if (!id) return tl::unexpected(id.error());
  auto op = (*engine)->Get(*id);
  if (!op) return tl::unexpected(op.error());
  return JsonResponse(200, OperationToJson(*op));
}

HandlerResult CancelOperation(const Services& s, Request& req) {
  auto engine = EngineOf(s);
  if (!engine) return tl::unexpected(engine.error());
  auto id = PathId(req, "id", "operation");
  if (!id) return tl::unexpected(id.error());
  auto op = (*engine)->Cancel(req.actor, *id);
  if (!op) return tl::unexpected(op.error());
  return JsonResponse(200, OperationToJson(*op));
}

HandlerResult CreateBulkOperations(const Services& s, Request& req) {
  auto engine = EngineOf(s);
  if (!engine) return tl::unexpected(engine.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"selector", "operation", "dry_run"}); !ok) {
    return tl::unexpected(ok.error());
  }
  const js::value* selector_value = body->if_contains("selector");
  const js::value* operation_value = body->if_contains("operation");
  if (selector_value == nullptr || !selector_value->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "selector: must be {\"group\": ID} or {\"filter\": \"...\"}");
  }
  if (operation_value == nullptr || !operation_value->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "operation: must be an object like the body of "
                           "POST /devices/{id}/operations");
  }
  const js::object& selector_object = selector_value->as_object();
  if (auto ok = CheckMembers(selector_object, {"group", "filter"}); !ok) {
    return tl::unexpected(ok.error());
  }
  ops::BulkSelector selector;
  auto group = OptionalInt(selector_object, "group");
  if (!group) return tl::unexpected(group.error());
  selector.group = *group;
  auto filter = OptionalString(selector_object, "filter");
  if (!filter) return tl::unexpected(filter.error());
  selector.filter = filter->value_or("");
  bool dry_run = false;
  if (const js::value* d = body->if_contains("dry_run"); d && !d->is_null()) {
    if (!d->is_bool()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "dry_run: must be true or false");
    }
    dry_run = d->as_bool();
  }
  auto request = RequestFromJson(operation_value->as_object(), 0);
  if (!request) return tl::unexpected(request.error());
  auto outcome = (*engine)->CreateBulk(req.actor, selector, *request, dry_run);
  if (!outcome) return tl::unexpected(outcome.error());
  js::object skipped;
  for (const auto& [reason, count] : outcome->skipped) skipped[reason] = count;
  js::object out;
  out["selected"] = outcome->selected;
  out["created"] = outcome->created;
  out["skipped"] = std::move(skipped);
  out["dry_run"] = dry_run;
  return JsonResponse(dry_run ? 200 : 201, out);
}

}  // namespace custos::api::handlers
