// Operator tokens (docs/api.md "Operator tokens"): admins create, list and revoke; any role
// reads its own.
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "api/time_text.h"
#include "json/json.h"

namespace custos::api::handlers {

HandlerResult CreateToken(const Services& s, Request& req) {
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  if (auto ok = CheckMembers(*body, {"name", "role", "expires_at"}); !ok) {
    return tl::unexpected(ok.error());
  }
  auto name = RequiredString(*body, "name");
  if (!name) return tl::unexpected(name.error());
  auto role_text = RequiredString(*body, "role");
  if (!role_text) return tl::unexpected(role_text.error());
  auto role = core::ParseRole(*role_text);
  if (!role) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "role: expected \"admin\", \"operator\" or \"viewer\"");
  }
  auto expires_text = OptionalString(*body, "expires_at");
  if (!expires_text) return tl::unexpected(expires_text.error());
  std::optional<core::TimeMs> expires_at;
  if (*expires_text) {
    expires_at = core::ParseTime(**expires_text);
    if (!expires_at) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "expires_at: expected an RFC 3339 time");
    }
  }
  auto created = s.tokens.Create(req.actor, std::move(*name), *role, expires_at);
  if (!created) return tl::unexpected(created.error());
  boost::json::object out;
  out["token"] = json::ToJson(created->token);
  out["secret"] = created->secret;
  Response res = JsonResponse(201, out);
  res.headers.emplace_back("Location", "/api/v1/tokens/" + std::to_string(created->token.id));
  return res;
}

HandlerResult ListTokens(const Services& s, Request& req) {
  auto tokens = s.tokens.List();
  if (!tokens) return tl::unexpected(tokens.error());
  boost::json::array items;
  for (const core::OperatorToken& t : *tokens) items.emplace_back(json::ToJson(t));
  boost::json::object out;
  out["tokens"] = std::move(items);
  return JsonResponse(200, out);
}

HandlerResult GetSelfToken(const Services& s, Request& req) {
  auto token = s.tokens.Get(req.actor.token_id);
  if (!token) return tl::unexpected(token.error());
  return JsonResponse(200, json::ToJson(*token));
}

HandlerResult RevokeToken(const Services& s, Request& req) {
  auto id = PathId(req, "id", "token");
  if (!id) return tl::unexpected(id.error());
  if (auto ok = s.tokens.Revoke(req.actor, *id); !ok) return tl::unexpected(ok.error());
  return NoContent();
}

}  // namespace custos::api::handlers
