#include <fmt/format.h>

#include "core/detail/json_text.h"
#include "core/registry.h"

namespace custos::core {
namespace {

// last_used_at is informative; writing it on every request would make reads cost writes.
constexpr TimeMs kTouchInterval = 60'000;
constexpr std::size_t kMinAdminSecret = 16;

AuditEntry TokenAudit(const Actor& actor, TimeMs now, std::string action, TokenId id,
                      std::string details) {
  AuditEntry e;
  e.at = now;
  e.actor = actor.name;
  e.actor_token_id = actor.token_id;
  e.action = std::move(action);
  e.target_type = "token";
  e.target_id = std::to_string(id);
  e.details_json = std::move(details);
  return e;
}

}  // namespace

TokenService::TokenService(Store& store, Clock& clock) : store_(store), clock_(clock) {}

Result<Actor> TokenService::Authenticate(std::string_view secret) {
  auto refuse = [] { return MakeError(ErrorCode::kUnauthenticated, "invalid or expired token"); };
  if (secret.empty() || secret.size() > 512) return refuse();
  const std::string hash = Sha256Hex(secret);
  std::optional<OperatorToken> token;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(hash); it != cache_.end()) token = it->second;
    generation = cache_generation_;
  }
  if (!token) {
    auto stored = store_.FindTokenByHash(hash);
    if (!stored) {
      if (stored.error().code == ErrorCode::kNotFound) return refuse();
      return tl::unexpected(stored.error());
    }
    token = std::move(*stored);
    std::lock_guard lock(cache_mu_);
    if (generation == cache_generation_) cache_.emplace(hash, *token);
  }
  // The lookup was by hash; compare again in constant time so that no code path depends on
  // how much of a guess matched.
  if (!ConstantTimeEquals(token->secret_hash, hash)) return refuse();
  const TimeMs now = clock_.Now();
  if (token->revoked_at || (token->expires_at && *token->expires_at <= now)) return refuse();
  bool touch = false;
  {
    std::lock_guard lock(touch_mu_);
    TimeMs& last = last_touch_[token->id];
    if (now - last >= kTouchInterval) {
      last = now;
      touch = true;
    }
  }
  if (touch) (void)store_.TouchToken(token->id, now);
  return Actor{token->id, token->name, token->role};
}

std::optional<Result<Actor>> TokenService::AuthenticateFromMemory(std::string_view secret) {
  if (secret.empty() || secret.size() > 512) return std::nullopt;
  const std::string hash = Sha256Hex(secret);
  std::optional<OperatorToken> token;
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(hash); it != cache_.end()) token = it->second;
  }
  if (!token) return std::nullopt;
  if (!ConstantTimeEquals(token->secret_hash, hash)) return std::nullopt;
  const TimeMs now = clock_.Now();
  if (token->revoked_at || (token->expires_at && *token->expires_at <= now)) {
    return MakeError(ErrorCode::kUnauthenticated, "invalid or expired token");
  }
  {
    std::lock_guard lock(touch_mu_);
    auto last = last_touch_.find(token->id);
    if (last == last_touch_.end() || now - last->second >= kTouchInterval) return std::nullopt;
  }
  return Actor{token->id, token->name, token->role};
}

Result<void> TokenService::Authorize(const Actor& actor, Role required) {
  if (static_cast<int>(actor.role) >= static_cast<int>(required)) return {};
  return MakeError(ErrorCode::kPermissionDenied,
                   fmt::format("role '{}' may not do this; it needs '{}'", ToString(actor.role),
                               ToString(required)));
}

Result<TokenService::Created> TokenService::Create(const Actor& actor, std::string name,
                                                   Role role, std::optional<TimeMs> expires_at) {
  if (auto ok = Authorize(actor, Role::kAdmin); !ok) return tl::unexpected(ok.error());
  if (name.empty() || name.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument, "name: must be 1 to 128 bytes");
  }
  const TimeMs now = clock_.Now();
  if (expires_at && *expires_at <= now) {
    return MakeError(ErrorCode::kInvalidArgument, "expires_at: must be in the future");
  }
  Created created;
  created.secret = GenerateTokenSecret();
  OperatorToken& t = created.token;
  t.name = std::move(name);
  t.role = role;
  t.secret_hash = Sha256Hex(created.secret);
  t.prefix = created.secret.substr(0, 12);
  t.created_at = now;
  t.expires_at = expires_at;
  t.created_by = actor.name;
  auto stored = store_.CreateToken(
      t, TokenAudit(actor, now, "token.create", 0,
                    fmt::format(R"({{"name":{},"role":"{}"}})", detail::JsonQuote(t.name),
                                ToString(role))));
  if (!stored) return tl::unexpected(stored.error());
  created.token = *stored;
  return created;
}

Result<std::vector<OperatorToken>> TokenService::List() { return store_.ListTokens(); }

Result<OperatorToken> TokenService::Get(TokenId id) { return store_.GetToken(id); }

Result<void> TokenService::Revoke(const Actor& actor, TokenId id) {
  if (auto ok = Authorize(actor, Role::kAdmin); !ok) return ok;
  auto token = store_.GetToken(id);
  if (!token) return tl::unexpected(token.error());
  if (token->revoked_at) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("token {} is already revoked", id));
  }
  const TimeMs now = clock_.Now();
  auto revoked = store_.RevokeToken(
      id, now,
      TokenAudit(actor, now, "token.revoke", id,
                 fmt::format(R"({{"name":{}}})", detail::JsonQuote(token->name))));
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  cache_.erase(token->secret_hash);
  return revoked;
}

Result<std::optional<std::string>> TokenService::Bootstrap(
    std::optional<std::string> admin_secret) {
  const TimeMs now = clock_.Now();
  if (admin_secret) {
    if (admin_secret->size() < kMinAdminSecret) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("CUSTOS_ADMIN_TOKEN must be at least {} characters",
                                   kMinAdminSecret));
    }
    auto existing = store_.FindTokenByHash(Sha256Hex(*admin_secret));
    if (existing) {
      if (existing->revoked_at) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "CUSTOS_ADMIN_TOKEN names a revoked token");
      }
      return std::optional<std::string>{};
    }
  } else {
    auto tokens = store_.ListTokens();
    if (!tokens) return tl::unexpected(tokens.error());
    for (const auto& t : *tokens) {
      bool active = !t.revoked_at && (!t.expires_at || *t.expires_at > now);
      if (active && t.role == Role::kAdmin) return std::optional<std::string>{};
    }
  }
  OperatorToken t;
  std::string secret = admin_secret ? *admin_secret : GenerateTokenSecret();
  t.name = "admin";
  t.role = Role::kAdmin;
  t.secret_hash = Sha256Hex(secret);
  t.prefix = secret.substr(0, 12);
  t.created_at = now;
  t.created_by = "bootstrap";
  Actor system{0, "system", Role::kAdmin};
  auto stored = store_.CreateToken(
      t, TokenAudit(system, now, "token.create", 0, R"({"name":"admin","role":"admin"})"));
  if (!stored) return tl::unexpected(stored.error());
  return std::optional<std::string>{std::move(secret)};
}

}  // namespace custos::core

