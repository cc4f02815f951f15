// Device lifecycle: disable, enable, retire (docs/api.md "Devices"), each with an optional
// {"reason"} body.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "json/json.h"

namespace custos::api::handlers {

namespace {

using Transition = core::Result<core::Device> (core::Registry::*)(const core::Actor&,
                                                                  core::DeviceId, std::string);

HandlerResult RunTransition(const Services& s, Request& req, Transition transition) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req, /*allow_empty=*/true);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"reason"}); !ok) return tl::unexpected(ok.error());
  auto reason = OptionalString(*body, "reason");
  if (!reason) return tl::unexpected(reason.error());
  auto device = (s.registry.*transition)(req.actor, *id, reason->value_or(""));
  if (!device) return tl::unexpected(device.error());
  Response res = JsonResponse(200, json::ToJson(*device));
  res.headers.emplace_back("ETag", VersionTag(device->version));
  return res;
}

}  // namespace

HandlerResult DisableDevice(const Services& s, Request& req) {
  return RunTransition(s, req, &core::Registry::DisableDevice);
}

HandlerResult EnableDevice(const Services& s, Request& req) {
  return RunTransition(s, req, &core::Registry::EnableDevice);
}

HandlerResult RetireDevice(const Services& s, Request& req) {
  return RunTransition(s, req, &core::Registry::RetireDevice);
}

}  // namespace custos::api::handlers
