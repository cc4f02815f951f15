// The audit log (docs/api.md "Audit log"): newest first, filtered, cursor-paged by entry id.
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "api/time_text.h"
#include "json/json.h"

namespace custos::api::handlers {

namespace {

core::Result<std::optional<core::TimeMs>> TimeQuery(const Request& req, std::string_view name) {
  const std::string* text = req.Query(name);
  if (text == nullptr || text->empty()) return std::optional<core::TimeMs>();
  auto t = ParseTimeParam(*text);
  if (!t) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           std::string(name) + ": expected an RFC 3339 time or epoch ms");
  }
  return std::optional<core::TimeMs>(*t);
}

void CopyText(const Request& req, std::string_view name, std::optional<std::string>& to) {
  if (const std::string* v = req.Query(name); v && !v->empty()) to = *v;
}

}  // namespace

HandlerResult ListAudit(const Services& s, Request& req) {
  core::AuditQuery q;
  CopyText(req, "target_type", q.target_type);
  CopyText(req, "target_id", q.target_id);
  CopyText(req, "actor", q.actor);
  CopyText(req, "action", q.action_prefix);
  auto since = TimeQuery(req, "since");
  if (!since) return tl::unexpected(since.error());
  q.since = *since;
  auto until = TimeQuery(req, "until");
  if (!until) return tl::unexpected(until.error());
  q.until = *until;
  auto limit = QueryInt(req, "limit", 1, 1000);
  if (!limit) return tl::unexpected(limit.error());
  q.limit = limit->has_value() ? static_cast<std::size_t>(**limit) : 100;
  if (const std::string* cursor = req.Query("cursor"); cursor && !cursor->empty()) {
    auto before = ParseInt64(*cursor);
    if (!before || *before <= 0) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "cursor: not a cursor");
    }
    q.before_id = *before;
  }

  auto entries = s.store.ListAudit(q);
  if (!entries) return tl::unexpected(entries.error());
  boost::json::array items;
  items.reserve(entries->size());
  for (const core::AuditEntry& e : *entries) items.emplace_back(json::ToJson(e));
  boost::json::object out;
  out["entries"] = std::move(items);
  // A full page may have more behind it; the cursor is the last id seen.
  if (!entries->empty() && entries->size() == q.limit) {
    out["next_cursor"] = std::to_string(entries->back().id);
  } else {
    out["next_cursor"] = nullptr;
  }
  return JsonResponse(200, out);
}

}  // namespace custos::api::handlers
