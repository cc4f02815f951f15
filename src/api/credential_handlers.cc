// Device credentials (docs/api.md "Devices"): list without secrets, add (the secret shown
// once), revoke.
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "json/json.h"

namespace custos::api::handlers {

HandlerResult ListCredentials(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  // An unknown device is a 404, not an empty list.
  if (auto device = s.registry.GetDevice(*id); !device) return tl::unexpected(device.error());
  auto credentials = s.registry.ListCredentials(*id);
  if (!credentials) return tl::unexpected(credentials.error());
  boost::json::array items;
  for (const core::Credential& c : *credentials) items.emplace_back(json::ToJson(c));
  boost::json::object out;
  out["credentials"] = std::move(items);
  return JsonResponse(200, out);
}

HandlerResult AddCredential(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"kind", "identity", "secret"}); !ok) {
    return tl::unexpected(ok.error());
  }
  auto kind = RequiredString(*body, "kind");
  if (!kind) return tl::unexpected(kind.error());
  if (*kind != "psk" && *kind != "password" && *kind != "x509") {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "kind: expected \"psk\", \"password\" or \"x509\"");
  }
  // Without an identity the registry uses the device's name.
  auto identity = OptionalString(*body, "identity");
  if (!identity) return tl::unexpected(identity.error());
  auto secret = OptionalString(*body, "secret");
  if (!secret) return tl::unexpected(secret.error());

  core::Credential credential;
  credential.device_id = *id;
  credential.kind = std::move(*kind);
  credential.identity = identity->value_or("");
  credential.secret = secret->value_or("");
  auto added = s.registry.AddCredential(req.actor, *id, std::move(credential));
  if (!added) return tl::unexpected(added.error());
  boost::json::object out;
  out["credential"] = json::ToJson(added->credential);
  out["secret"] = added->plaintext;
  return JsonResponse(201, out);
}

HandlerResult RevokeCredential(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto cid = PathId(req, "cid", "credential");
  if (!cid) return tl::unexpected(cid.error());
  if (auto ok = s.registry.RevokeCredential(req.actor, *id, *cid); !ok) {
    return tl::unexpected(ok.error());
  }
  return NoContent();
}

}  // namespace custos::api::handlers
