#include "mqtt_behaviour.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>

namespace custos::sim {
namespace {

namespace json = boost::json;

core::Error Invalid(std::string message) {
  return core::Error{core::ErrorCode::kInvalidArgument, std::move(message), std::nullopt};
}

std::string StringMember(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

bool InShare(std::uint64_t index, double fraction, std::uint64_t salt) {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  // The golden-ratio sequence spreads any run of consecutive indexes evenly over [0, 1).
  const double position = std::fmod(static_cast<double>(index + salt) * 0.6180339887498949, 1.0);
  return position < fraction;
}

MqttDeviceProfile ProfileOf(std::uint64_t index, std::string name, const MqttShares& shares) {
  MqttDeviceProfile profile;
  profile.name = std::move(name);
  profile.fails_updates = InShare(index, shares.fail_update, 0);
  profile.battery_level = InShare(index, shares.low_battery, 7) ? 10 : 90;
  profile.goes_offline = InShare(index, shares.offline, 13);
  return profile;
}

std::string IdentityPayload(const MqttDeviceProfile& device) {
  json::object identity{{"manufacturer", "Custos Sim"},
                        {"model", "SIM-MQTT"},
                        {"serial", device.name},
                        {"firmware_version", device.firmware_version},
                        {"supported_operations",
                         json::array{"reboot", "factory_reset", "firmware_update", "configure"}}};
  return json::serialize(identity);
}

std::string HealthPayload(const MqttDeviceProfile& device) {
  json::object state{{"battery_level", device.battery_level},
                     {"power_source", "battery"},
                     {"signal_strength", -70}};
  return json::serialize(json::object{{"state", std::move(state)}});
}

std::string TelemetryPayload(std::uint64_t sequence) {
  json::object telemetry{{"temperature_c", 20.0 + static_cast<double>(sequence % 50) / 10.0},
                         {"sequence", sequence}};
  return json::serialize(telemetry);
}

std::optional<std::string> OperationIdOf(std::string_view topic, std::string_view name) {
  const std::string prefix = "devices/" + std::string(name) + "/operations/";
  if (!topic.starts_with(prefix)) return std::nullopt;
  std::string_view id = topic.substr(prefix.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

core::Result<MqttOperation> ParseOperation(std::string id, std::string_view payload) {
  std::error_code ec;
  json::value parsed = json::parse(payload, ec);
  if (ec || !parsed.is_object()) return tl::unexpected(Invalid("operation: not a JSON object"));
  const json::object& object = parsed.as_object();
  MqttOperation op;
  op.id = std::move(id);
  op.kind = StringMember(object, "kind");
  if (op.kind.empty()) return tl::unexpected(Invalid("operation: no kind"));
  if (const json::value* parameters = object.if_contains("parameters");
      parameters && parameters->is_object()) {
    const json::object& p = parameters->as_object();
    op.url = StringMember(p, "url");
    op.sha256 = StringMember(p, "sha256");
    for (char& c : op.sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    op.version = StringMember(p, "version");
    if (const json::value* size = p.if_contains("size")) {
      if (size->is_int64() && size->as_int64() >= 0) op.size = size->as_int64();
      if (size->is_uint64()) op.size = size->as_uint64();
    }
  }
  return op;
}

std::string ProgressPayload(int percent, std::string_view message) {
  return json::serialize(
      json::object{{"state", "in_progress"}, {"progress", percent}, {"message", message}});
}

std::string ResultPayload(bool succeeded, std::string_view message,
                          std::string_view firmware_version) {
  json::object result{{"state", succeeded ? "succeeded" : "failed"}, {"message", message}};
  if (!firmware_version.empty()) {
    result["result"] = json::object{{"firmware_version", firmware_version}};
  }
  return json::serialize(result);
}

core::Result<MqttDesired> ParseDesired(std::string_view payload) {
  std::error_code ec;
  json::value parsed = json::parse(payload, ec);
  if (ec || !parsed.is_object()) return tl::unexpected(Invalid("desired: not a JSON object"));
  const json::object& object = parsed.as_object();
  const json::value* state = object.if_contains("state");
  const json::value* version = object.if_contains("version");
  if (!state || !state->is_object() || !version || !version->is_int64()) {
    return tl::unexpected(Invalid("desired: expected {\"state\": {...}, \"version\": n}"));
  }
  return MqttDesired{json::serialize(*state), version->as_int64()};
}

std::string DesiredAppliedPayload(const MqttDesired& desired) {
  return "{\"state\":" + desired.state_json +
         ",\"desired_version\":" + std::to_string(desired.version) + "}";
}

std::string NextFirmwareVersion(std::string_view current) {
  std::size_t start = current.size();
  while (start > 0 && std::isdigit(static_cast<unsigned char>(current[start - 1]))) --start;
  if (start == current.size()) return std::string(current) + ".1";
  std::uint64_t last = 0;
  auto [end, ec] = std::from_chars(current.data() + start, current.data() + current.size(), last);
  if (ec != std::errc()) return std::string(current) + ".1";
  return std::string(current.substr(0, start)) + std::to_string(last + 1);
}

}  // namespace custos::sim
