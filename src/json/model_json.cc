// The smaller parts of the domain model as JSON (docs/api.md). Secrets and hashes never leave.
#include <boost/json/object.hpp>

#include "json/json.h"
#include "json/json_support.h"

namespace custos::json {
boost::json::object ToJson(const core::Group& g) {
  boost::json::object o;
  o["id"] = g.id;
  o["name"] = g.name;
  o["description"] = g.description;
  o["kind"] = core::ToString(g.kind);
  o["filter"] = g.filter;
  o["labels"] = detail::LabelsJson(g.labels);
  o["created_at"] = core::FormatTime(g.created_at);
  o["updated_at"] = core::FormatTime(g.updated_at);
  o["version"] = g.version;
  return o;
}

boost::json::object ToJson(const core::OperatorToken& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  o["role"] = core::ToString(t.role);
  o["prefix"] = t.prefix;
  o["created_at"] = core::FormatTime(t.created_at);
  o["expires_at"] = detail::Time(t.expires_at);
  o["revoked_at"] = detail::Time(t.revoked_at);
  o["last_used_at"] = detail::Time(t.last_used_at);
  o["created_by"] = t.created_by;
  return o;
}

boost::json::object ToJson(const core::Credential& c) {
  boost::json::object o;
  o["id"] = c.id;
  o["kind"] = c.kind;
  o["identity"] = c.identity;
  o["created_at"] = core::FormatTime(c.created_at);
  o["revoked_at"] = detail::Time(c.revoked_at);
  return o;
}

boost::json::object ToJson(const core::AuditEntry& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["at"] = core::FormatTime(e.at);
  o["actor"] = e.actor;
  o["action"] = e.action;
  o["target_type"] = e.target_type;
  o["target_id"] = e.target_id;
  o["details"] = detail::Embedded(e.details_json);
  return o;
}

boost::json::object ToJson(const core::Event& e) {
  boost::json::object o;
  o["seq"] = e.seq;
  o["at"] = core::FormatTime(e.at);
  o["type"] = e.type;
  // 0 means "not about one device".
  if (e.device_id == 0) {
    o["device_id"] = nullptr;
  } else {
    o["device_id"] = e.device_id;
  }
  o["data"] = detail::Embedded(e.data_json);
  return o;
}

boost::json::object ToJson(const core::Error& e) {
  boost::json::object inner;
  inner["code"] = core::ToString(e.code);
  inner["message"] = e.message;
  if (e.position) inner["position"] = *e.position;
  boost::json::object o;
  o["error"] = std::move(inner);
  return o;
}

}  // namespace custos::json
