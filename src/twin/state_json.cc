// Device state as the REST API shows it.
#include <boost/json.hpp>

#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;

// A stored document; "{}" if the stored text is somehow not an object.
json::object Document(const std::string& text) {
  auto parsed = ParseObject(text);
  return parsed ? std::move(*parsed) : json::object();
}

json::value Time(core::TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(core::FormatTime(t));
}

}  // namespace

json::object StateToJson(const core::DeviceState& state) {
  json::object desired = Document(state.desired_json);
  json::object reported = Document(state.reported_json);
  json::object out;
  out["delta"] = Delta(desired, reported);
  out["desired"] = std::move(desired);
  out["desired_version"] = state.desired_version;
  out["desired_updated_at"] = Time(state.desired_updated_at);
  out["desired_acknowledged"] = state.desired_acknowledged;
  out["reported"] = std::move(reported);
  out["reported_version"] = state.reported_version;
  out["reported_updated_at"] = Time(state.reported_updated_at);
  return out;
}

json::object TelemetryToJson(const core::Telemetry& telemetry) {
  json::object out;
  out["measurements"] = Document(telemetry.measurements_json);
  out["updated_at"] = Time(telemetry.updated_at);
  return out;
}

json::object LogLineToJson(const core::DeviceLogLine& line) {
  json::object out;
  out["at"] = core::FormatTime(line.at);
  out["level"] = line.level;
  out["message"] = line.message;
  return out;
}

}  // namespace custos::twin
