#include "cli/render.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

namespace custos::cli {
namespace json = boost::json;

std::string Cell(const json::value* value) {
  if (value == nullptr || value->is_null()) return "-";
  if (value->is_string()) {
    const json::string& s = value->get_string();
    return s.empty() ? "-" : std::string(s);
  }
  if (value->is_bool()) return value->get_bool() ? "yes" : "no";
  return json::serialize(*value);
}

std::string Cell(const json::object& object, std::string_view key) {
  return Cell(object.if_contains(key));
}

std::string LabelsCell(const json::value* labels) {
  if (labels == nullptr || !labels->is_object() || labels->get_object().empty()) return "-";
  std::string out;
  for (const auto& [key, value] : labels->get_object()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}={}", std::string_view(key),
                       value.is_string() ? std::string(value.get_string()) : Cell(&value));
  }
  return out;
}

namespace {

bool IsFreeForm(std::string_view key) {
  return key == "metadata" || key == "details" || key == "data";
}

void Flatten(const json::object& object, Record& record) {
  for (const auto& [key, value] : object) {
    if (key == "labels") {
      record.emplace_back(key, LabelsCell(&value));
    } else if (value.is_object() && !IsFreeForm(key)) {
      Flatten(value.get_object(), record);
    } else {
      record.emplace_back(key, Cell(&value));
    }
  }
}

const json::value* Nested(const json::object& object, std::string_view outer,
                          std::string_view inner) {
  const json::value* o = object.if_contains(outer);
  if (o == nullptr || !o->is_object()) return nullptr;
  return o->get_object().if_contains(inner);
}

}  // namespace

Record ObjectRecord(const json::object& object) {
  Record record;
  Flatten(object, record);
  return record;
}

Row DeviceHeader() {
  return {"ID",    "NAME",     "STATE",  "PROTOCOL", "MANUFACTURER",
          "MODEL", "FIRMWARE", "ONLINE", "LAST SEEN"};
}

Row DeviceRow(const json::object& d) {
  return {Cell(d, "id"),
          Cell(d, "name"),
          Cell(d, "state"),
          Cell(d, "protocol"),
          Cell(d, "manufacturer"),
          Cell(d, "model"),
          Cell(d, "firmware_version"),
          Cell(Nested(d, "connectivity", "online")),
          Cell(Nested(d, "connectivity", "last_seen"))};
}

Row GroupHeader() { return {"ID", "NAME", "KIND", "FILTER", "DESCRIPTION"}; }

Row GroupRow(const json::object& g) {
  return {Cell(g, "id"), Cell(g, "name"), Cell(g, "kind"), Cell(g, "filter"),
          Cell(g, "description")};
}

Row TokenHeader() {
  return {"ID",      "NAME",      "ROLE",    "PREFIX",    "CREATED",
          "EXPIRES", "LAST USED", "REVOKED", "CREATED BY"};
}

Row TokenRow(const json::object& t) {
  return {Cell(t, "id"),           Cell(t, "name"),       Cell(t, "role"),
          Cell(t, "prefix"),       Cell(t, "created_at"), Cell(t, "expires_at"),
          Cell(t, "last_used_at"), Cell(t, "revoked_at"), Cell(t, "created_by")};
}

Row CredentialHeader() { return {"ID", "KIND", "IDENTITY", "CREATED", "REVOKED"}; }

Row CredentialRow(const json::object& c) {
  return {Cell(c, "id"), Cell(c, "kind"), Cell(c, "identity"), Cell(c, "created_at"),
          Cell(c, "revoked_at")};
}

Row AuditHeader() { return {"ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAILS"}; }

Row AuditRow(const json::object& e) {
  std::string target = Cell(e, "target_type");
  if (const std::string id = Cell(e, "target_id"); id != "-") target += "/" + id;
  return {Cell(e, "id"),     Cell(e, "at"), Cell(e, "actor"),
          Cell(e, "action"), target,        Cell(e, "details")};
}

namespace {
// RFC 3339 with milliseconds is 24 columns; the longest type, "device.disabled", 15.
constexpr const char* kEventFormat = "{:<24}  {:<15}  {:<6}  {}";
}  // namespace

std::string EventHeaderLine() {
  return fmt::format(kEventFormat, "TIME", "TYPE", "DEVICE", "DATA");
}

std::string EventLine(const json::object& event) {
  std::string device = Cell(event, "device_id");
  if (device == "0") device = "-";
  std::string line = fmt::format(kEventFormat, Cell(event, "at"), Cell(event, "type"), device,
                                 Cell(event, "data"));
  return SanitizeCell(line);
}

}  // namespace custos::cli
