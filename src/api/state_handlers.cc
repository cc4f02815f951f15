// What devices report: the desired and reported documents, the latest telemetry and the
// recent log lines (docs/api.md "Device state, telemetry and logs").
#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "twin/twin.h"

namespace custos::api::handlers {
namespace {

Response StateResponse(const core::DeviceState& state) {
  Response res = JsonResponse(200, twin::StateToJson(state));
  res.headers.emplace_back("ETag", VersionTag(state.desired_version));
  return res;
}

}  // namespace

HandlerResult GetDeviceState(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  twin::DeviceStates states(s.store, s.registry, s.events);
  auto state = states.Get(*id);
  if (!state) return tl::unexpected(state.error());
  return StateResponse(*state);
}

HandlerResult PatchDesiredState(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto patch = ParseObjectBody(req);
  if (!patch) return tl::unexpected(patch.error());
  // The body is the merge patch itself, so the version comes from If-Match only.
  auto expected = ExpectedVersion(req, std::nullopt);
  if (!expected) return tl::unexpected(expected.error());
  twin::DeviceStates states(s.store, s.registry, s.events);
  auto state = states.PatchDesired(req.actor, *id, *patch, *expected);
  if (!state && state.error().code == core::ErrorCode::kConflict && *expected) {
    return ErrorResponse(412, "precondition_failed", state.error().message);
  }
  if (!state) return tl::unexpected(state.error());
  return StateResponse(*state);
}

HandlerResult GetDeviceTelemetry(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  twin::DeviceStates states(s.store, s.registry, s.events);
  auto telemetry = states.GetTelemetry(*id);
  if (!telemetry) return tl::unexpected(telemetry.error());
  return JsonResponse(200, twin::TelemetryToJson(*telemetry));
}

HandlerResult ListDeviceLogs(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto limit = QueryInt(req, "limit", 1, static_cast<std::int64_t>(twin::kLogLinesKept));
  if (!limit) return tl::unexpected(limit.error());
  twin::DeviceStates states(s.store, s.registry, s.events);
  auto lines = states.ListLogs(*id, *limit ? static_cast<std::size_t>(**limit) : 100);
  if (!lines) return tl::unexpected(lines.error());
  boost::json::array out;
  out.reserve(lines->size());
  for (const core::DeviceLogLine& line : *lines) out.emplace_back(twin::LogLineToJson(line));
  return JsonResponse(200, boost::json::object{{"logs", std::move(out)}});
}

}  // namespace custos::api::handlers
