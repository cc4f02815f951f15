#include "mqtt_report.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <utility>
#include <vector>

namespace custos::sim {
namespace {

std::vector<std::pair<const char*, std::uint64_t>> Fields(const MqttReport& r) {
  return {{"devices", r.devices},
          {"online", r.online},
          {"connects", r.connects},
          {"connect_errors", r.connect_errors},
          {"disconnects", r.disconnects},
          {"published", r.published},
          {"acknowledged", r.acknowledged},
          {"refused", r.refused},
          {"received", r.received},
          {"desired_applied", r.desired_applied},
          {"operations_received", r.operations_received},
          {"operations_succeeded", r.operations_succeeded},
          {"operations_failed", r.operations_failed},
          {"firmware_downloads", r.firmware_downloads},
          {"firmware_bytes", r.firmware_bytes},
          {"errors", r.errors}};
}

}  // namespace

MqttReport MqttCounters::Snapshot() const {
  MqttReport r;
  r.online = online.load();
  r.connects = connects.load();
  r.connect_errors = connect_errors.load();
  r.disconnects = disconnects.load();
  r.published = published.load();
  r.acknowledged = acknowledged.load();
  r.refused = refused.load();
  r.received = received.load();
  r.desired_applied = desired_applied.load();
  r.operations_received = operations_received.load();
  r.operations_succeeded = operations_succeeded.load();
  r.operations_failed = operations_failed.load();
  r.firmware_downloads = firmware_downloads.load();
  r.firmware_bytes = firmware_bytes.load();
  r.errors = errors.load();
  return r;
}

std::string LiveLine(const MqttReport& r) {
  return fmt::format(
      "t={:.1f}s mqtt online={}/{} connects={} connect_errors={} published={} ops={}/{}/{} "
      "(received/succeeded/failed) desired={} fw={} fw_bytes={} errors={}",
      r.seconds, r.online, r.devices, r.connects, r.connect_errors, r.published,
      r.operations_received, r.operations_succeeded, r.operations_failed, r.desired_applied,
      r.firmware_downloads, r.firmware_bytes, r.errors);
}

std::string ReportText(const MqttReport& r) {
  std::string out = fmt::format("{:<22}{:.1f}\n", "seconds", r.seconds);
  for (const auto& [name, value] : Fields(r)) out += fmt::format("{:<22}{}\n", name, value);
  if (!r.first_error.empty()) out += fmt::format("{:<22}{}\n", "first_error", r.first_error);
  return out;
}

std::string ReportJson(const MqttReport& r) {
  boost::json::object out;
  out["protocol"] = "mqtt";
  out["seconds"] = r.seconds;
  for (const auto& [name, value] : Fields(r)) out[name] = value;
  out["first_error"] = r.first_error;
  return boost::json::serialize(out);
}

}  // namespace custos::sim
