// The audit log: every change, with who, what and when. Entries are written by the store in
// the same transaction as the change they describe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace custos::core {

struct AuditEntry {
  std::int64_t id = 0;     // assigned by the store
  TimeMs at = 0;
  std::string actor;       // token name or "system"
  std::int64_t actor_token_id = 0;
  std::string action;      // "device.create", "device.retire", "token.revoke", ...
  std::string target_type;  // "device", "group", "token", "credential"
  std::string target_id;    // id of the target ("" for a whole import)
  std::string details_json = "{}";  // a JSON object: what changed
};

struct AuditQuery {
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> actor;
  std::optional<std::string> action_prefix;  // "device." matches every device action
  std::optional<TimeMs> since;
  std::optional<TimeMs> until;
  std::optional<std::int64_t> before_id;  // cursor: entries with id < before_id (newest first)
  std::size_t limit = 100;
};

}  // namespace custos::core
