// Operator tokens: bearer secrets with a role. Only a SHA-256 hash of each secret is stored;
// the secret is shown once, when created.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace custos::core {

using TokenId = std::int64_t;

// admin: everything, including tokens; operator: read and change devices and groups;
// viewer: read only.
enum class Role { kViewer, kOperator, kAdmin };
const char* ToString(Role r);  // "viewer", "operator", "admin"
std::optional<Role> ParseRole(std::string_view s);

struct OperatorToken {
  TokenId id = 0;
  std::string name;        // human label, e.g. "ci-pipeline"
  Role role = Role::kViewer;
  std::string secret_hash;  // lowercase hex SHA-256 of the secret
  std::string prefix;       // first 12 characters of the secret, for recognising it in lists
  TimeMs created_at = 0;
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> revoked_at;
  std::optional<TimeMs> last_used_at;
  std::string created_by;  // name of the token that created it, "bootstrap" for the first
};

// Who is acting: carried into every change for the audit log.
struct Actor {
  TokenId token_id = 0;
  std::string name;  // token name, or "system"
  Role role = Role::kViewer;
};

// A new random secret: "cst_" followed by 43 base64url characters (256 bits).
std::string GenerateTokenSecret();
// Lowercase hex SHA-256.
std::string Sha256Hex(std::string_view data);
// Constant-time equality of two byte strings of any length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace custos::core
