#include "api/rest_api.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "api/error_response.h"
#include "api/handlers.h"

namespace custos::api {

namespace {

// The secret of "Bearer <secret>" (scheme case-insensitive), "" otherwise.
std::string_view BearerSecret(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return {};
  }
  std::string_view secret = authorization.substr(kScheme.size());
  while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
  while (!secret.empty() && secret.back() == ' ') secret.remove_suffix(1);
  return secret;
}

}  // namespace

RestApi::RestApi(Services services) : services_(services) {
  for (const Route& r : RouteTable()) router_.Add(r);
}

core::Result<void> RestApi::Authorize(const Route& route, Request& req) const {
  if (!route.role) return {};
  std::string_view secret = BearerSecret(req.Header("authorization"));
  if (secret.empty() && route.kind == RouteKind::kEventStream) {
    // Browsers' EventSource cannot set headers.
    if (const std::string* q = req.Query("access_token")) secret = *q;
  }
  if (secret.empty()) {
    return core::MakeError(core::ErrorCode::kUnauthenticated,
                           "an operator token is required: Authorization: Bearer <token>");
  }
  auto actor = services_.tokens.Authenticate(secret);
  if (!actor) return tl::unexpected(actor.error());
  if (auto ok = core::TokenService::Authorize(*actor, *route.role); !ok) return ok;
  req.actor = std::move(*actor);
  return {};
}

Response RestApi::Run(const Router::Resolution& resolution, Request& req) const {
  using Outcome = Router::Resolution::Outcome;
  if (resolution.outcome == Outcome::kNotFound) {
    return ErrorResponse(core::Error{core::ErrorCode::kNotFound, "no route for " + req.path, {}});
  }
  if (resolution.outcome == Outcome::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : resolution.allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response res = ErrorResponse(405, "method_not_allowed",
                                 req.method + " is not allowed on " + req.path + "; use " + allow);
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  const Route& route = *resolution.route;
  req.path_params = resolution.params;
  try {
    if (auto ok = Authorize(route, req); !ok) return ErrorResponse(ok.error());
    if (route.handler == nullptr) {
      return ErrorResponse(
          core::Error{core::ErrorCode::kInternal, route.path + " is served by the connection", {}});
    }
    auto res = route.handler(services_, req);
    if (!res) return ErrorResponse(res.error());
    return std::move(*res);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {} failed: {}", req.method, req.path, e.what());
    return ErrorResponse(core::Error{core::ErrorCode::kInternal, "internal error", {}});
  } catch (...) {
    spdlog::error("http: {} {} failed with an unknown exception", req.method, req.path);
    return ErrorResponse(core::Error{core::ErrorCode::kInternal, "internal error", {}});
  }
}

std::optional<Response> RestApi::AnswerFromMemory(const Router::Resolution& resolution,
                                                  Request& req) const {
  if (resolution.outcome != Router::Resolution::Outcome::kFound) return std::nullopt;
  const Route& route = *resolution.route;
  if (route.from_memory == nullptr) return std::nullopt;
  try {
    if (route.role) {
      std::string_view secret = BearerSecret(req.Header("authorization"));
      if (secret.empty()) return std::nullopt;  // Run gives the 401
      auto actor = services_.tokens.AuthenticateFromMemory(secret);
      if (!actor || !*actor) return std::nullopt;  // unknown here, or refused: Run says why
      if (!core::TokenService::Authorize(**actor, *route.role)) return std::nullopt;
      req.actor = std::move(**actor);
    }
    req.path_params = resolution.params;
    return route.from_memory(services_, req);
  } catch (...) {
    return std::nullopt;  // Run will answer, and log whatever it is
  }
}

Response RestApi::Handle(Request& req) const { return Run(Resolve(req.method, req.path), req); }

}  // namespace custos::api
