// LwM2M device management (docs/api.md, "LwM2M device management"): each route names one
// operation, the LwM2M server (through Services::lwm2m) runs it and waits for the device; for
// a device asleep in queue mode it becomes an operation of the engine instead (202).
#include <boost/json.hpp>

#include "api/error_response.h"
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/lwm2m_port.h"
#include "api/query.h"
#include "json/json.h"

namespace custos::api::handlers {
namespace {

using Kind = Lwm2mCall::Kind;

// "/3/0/1" from the route's {object}, {instance}, {resource}, {ri}.
std::string LwPath(const Request& req) {
  std::string path;
  for (const char* name : {"object", "instance", "resource", "ri"}) {
    auto it = req.path_params.find(name);
    if (it == req.path_params.end()) break;
    path += "/" + it->second;
  }
  return path.empty() ? "/" : path;
}

int Depth(const Request& req) {
  int depth = 0;
  for (const char* name : {"object", "instance", "resource", "ri"}) {
    depth += req.path_params.contains(name) ? 1 : 0;
  }
  return depth;
}

Response FailureResponse(const Lwm2mFailure& failure) {
  boost::json::object inner{{"code", failure.code}, {"message", failure.message}};
  if (!failure.coap_code.empty()) inner["coap_code"] = failure.coap_code;
  return JsonResponse(failure.status, boost::json::object{{"error", std::move(inner)}});
}

// The call for the device of the route: kNotFound for an unknown device.
core::Result<Lwm2mCall> NewCall(const Services& s, const Request& req, Kind kind) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto device = s.registry.GetDevice(*id);
  if (!device) return tl::unexpected(device.error());
  Lwm2mCall call;
  call.kind = kind;
  call.device = *id;
  call.path = LwPath(req);
  return call;
}

// 202 {"queued": true, "operation": ...} with the operation's Location.
Response QueuedResponse(const core::Operation& op) {
  Response res = JsonResponse(
      202, boost::json::object{{"queued", true}, {"operation", OperationToJson(op)}});
  res.headers.emplace_back("Location", "/api/v1/operations/" + std::to_string(op.id));
  return res;
}

// Sends `call` and answers with the device's answer; or, for a device asleep in queue mode
// (unless ?queue=false), queues it as an operation (202) or refuses what cannot wait (409).
HandlerResult Run(const Services& s, const Request& req, const Lwm2mCall& call,
                  int status = 200) {
  if (s.lwm2m == nullptr) {
    return ErrorResponse(503, "lwm2m_unavailable", "the LwM2M server is not running");
  }
  auto queue = QueryBool(req, "queue", true);
  if (!queue) return tl::unexpected(queue.error());
  auto timeout = QueryInt(req, "timeout", 1, 366LL * 86400);
  if (!timeout) return tl::unexpected(timeout.error());
  // Listing observations and a passive cancel are the server's business alone.
  const bool server_side =
      call.kind == Kind::kObservations || (call.kind == Kind::kCancelObservation && !call.active);
  if (*queue && !server_side && s.lwm2m->Asleep(call.device)) {
    std::optional<std::int64_t> timeout_ms;
    if (*timeout) timeout_ms = **timeout * 1000;
    auto op = s.lwm2m->Enqueue(call, req.actor, timeout_ms);
    if (!op) return FailureResponse(op.error());
    return QueuedResponse(*op);
  }
  auto answer = s.lwm2m->Call(call);
  if (!answer) return FailureResponse(answer.error());
  return JsonResponse(status, *answer);
}

core::Result<std::vector<std::string>> Paths(const boost::json::object& body) {
  const auto* paths = body.if_contains("paths");
  if (paths == nullptr || !paths->is_array()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "\"paths\": expected an array of LwM2M paths");
  }
  std::vector<std::string> out;
  for (const auto& p : paths->as_array()) {
    if (!p.is_string()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "\"paths\": expected strings");
    }
    out.emplace_back(p.as_string());
  }
  return out;
}

// The call with the request's JSON body: any value (a bare resource value is a body too), or
// with `object_only` a JSON object.
core::Result<Lwm2mCall> NewCallWithBody(const Services& s, const Request& req, Kind kind,
                                        bool object_only) {
  auto call = NewCall(s, req, kind);
  if (!call) return call;
  if (object_only) {
    auto body = ParseObjectBody(req);
    if (!body) return tl::unexpected(body.error());
    call->body = std::move(*body);
  } else {
    auto body = json::Parse(req.body);
    if (!body) return tl::unexpected(body.error());
    call->body = std::move(*body);
  }
  return call;
}

// The call with the "paths" of the request's JSON object body.
core::Result<Lwm2mCall> NewCallWithPaths(const Services& s, const Request& req, Kind kind) {
  auto call = NewCall(s, req, kind);
  if (!call) return call;
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  auto paths = Paths(*body);
  if (!paths) return tl::unexpected(paths.error());
  call->paths = std::move(*paths);
  return call;
}

}  // namespace

HandlerResult Lwm2mGet(const Services& s, Request& req) {
  auto call = NewCall(s, req, req.Query("discover") ? Kind::kDiscover : Kind::kRead);
  if (!call) return tl::unexpected(call.error());
  if (const std::string* format = req.Query("format")) call->format = *format;
  return Run(s, req, *call);
}

HandlerResult Lwm2mPut(const Services& s, Request& req) {
  auto call = NewCallWithBody(s, req, Kind::kWrite, /*object_only=*/false);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mPatch(const Services& s, Request& req) {
  auto call = NewCallWithBody(s, req, Kind::kWritePartial, /*object_only=*/false);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mPost(const Services& s, Request& req) {
  const int depth = Depth(req);
  if (depth != 1 && depth != 3) {
    return ErrorResponse(400, "bad_path",
                         "POST creates an instance of an object (/lwm2m/{object}) or executes a "
                         "resource (/lwm2m/{object}/{instance}/{resource})");
  }
  if (depth == 1) {
    auto call = NewCallWithBody(s, req, Kind::kCreate, /*object_only=*/false);
    if (!call) return tl::unexpected(call.error());
    return Run(s, req, *call, 201);
  }
  auto call = NewCall(s, req, Kind::kExecute);
  if (!call) return tl::unexpected(call.error());
  auto body = ParseObjectBody(req, /*allow_empty=*/true);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"arguments"}); !ok) return tl::unexpected(ok.error());
  auto arguments = OptionalString(*body, "arguments");
  if (!arguments) return tl::unexpected(arguments.error());
  call->arguments = arguments->value_or("");
  return Run(s, req, *call);
}

HandlerResult Lwm2mDelete(const Services& s, Request& req) {
  auto call = NewCall(s, req, Kind::kDelete);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mWriteAttributes(const Services& s, Request& req) {
  auto call = NewCallWithBody(s, req, Kind::kWriteAttributes, /*object_only=*/true);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mReadComposite(const Services& s, Request& req) {
  auto call = NewCallWithPaths(s, req, Kind::kReadComposite);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mWriteComposite(const Services& s, Request& req) {
  auto call = NewCallWithBody(s, req, Kind::kWriteComposite, /*object_only=*/true);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mObserve(const Services& s, Request& req) {
  auto call = NewCallWithPaths(s, req, Kind::kObserve);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call, 201);
}

HandlerResult Lwm2mListObservations(const Services& s, Request& req) {
  auto call = NewCall(s, req, Kind::kObservations);
  if (!call) return tl::unexpected(call.error());
  return Run(s, req, *call);
}

HandlerResult Lwm2mCancelObservation(const Services& s, Request& req) {
  auto call = NewCall(s, req, Kind::kCancelObservation);
  if (!call) return tl::unexpected(call.error());
  call->observation = req.path_params.at("oid");
  auto passive = QueryBool(req, "passive", false);
  if (!passive) return tl::unexpected(passive.error());
  call->active = !*passive;
  return Run(s, req, *call);
}

}  // namespace custos::api::handlers
