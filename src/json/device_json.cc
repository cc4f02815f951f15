// A device as JSON (docs/api.md "Devices"): identity fields flat, connectivity and health
// nested, unset optionals and a never-seen last_seen as null, metadata embedded as a value.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "json/json.h"
#include "json/json_support.h"

namespace custos::json {
namespace {

template <class T>
boost::json::value OrNull(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

}  // namespace

boost::json::object ToJson(const core::Device& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["name"] = d.name;
  o["protocol"] = d.protocol;
  o["state"] = core::ToString(d.state);
  o["manufacturer"] = d.identity.manufacturer;
  o["model"] = d.identity.model;
  o["serial"] = d.identity.serial;
  o["hardware_version"] = d.identity.hardware_version;
  o["firmware_version"] = d.identity.firmware_version;
  o["software_version"] = d.identity.software_version;
  o["labels"] = detail::LabelsJson(d.labels);
  o["metadata"] = detail::Embedded(d.metadata_json);

  const core::Connectivity& c = d.connectivity;
  boost::json::object connectivity;
  connectivity["online"] = c.online;
  connectivity["last_seen"] =
      detail::Time(c.last_seen == 0 ? std::nullopt : std::optional<core::TimeMs>(c.last_seen));
  connectivity["address"] = c.address;
  connectivity["transport"] = c.transport;
  connectivity["lifetime"] = c.lifetime_s;
  connectivity["queue_mode"] = c.queue_mode;
  o["connectivity"] = std::move(connectivity);

  const core::Health& h = d.health;
  boost::json::object health;
  health["battery_level"] = OrNull(h.battery_level);
  health["power_source"] = h.power_source;
  health["signal_strength"] = OrNull(h.signal_strength);
  health["free_memory"] = OrNull(h.free_memory);
  boost::json::array codes;
  for (int code : h.error_codes) codes.push_back(code);
  health["error_codes"] = std::move(codes);
  o["health"] = std::move(health);

  o["created_at"] = core::FormatTime(d.created_at);
  o["updated_at"] = core::FormatTime(d.updated_at);
  o["version"] = d.version;
  return o;
}

}  // namespace custos::json
