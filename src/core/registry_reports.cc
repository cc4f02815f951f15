// Registry: what devices report about themselves through protocol adapters.
#include <fmt/format.h>

#include "core/detail/json_text.h"
#include "core/registry.h"

namespace custos::core {
namespace {

using detail::JsonQuote;

constexpr int kConflictRetries = 5;
constexpr std::size_t kMaxPowerSourceBytes = 64;
constexpr std::size_t kMaxErrorCodes = 64;

Result<void> CheckHealth(const DeviceReport& r) {
  if (r.battery_level && (*r.battery_level < 0 || *r.battery_level > 100)) {
    return MakeError(ErrorCode::kInvalidArgument, "battery_level: must be from 0 to 100");
  }
  if (r.signal_strength && (*r.signal_strength < -200 || *r.signal_strength > 100)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "signal_strength: must be from -200 to 100 (dBm)");
  }
  if (r.free_memory && *r.free_memory < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "free_memory: must not be negative");
  }
  if (r.power_source && r.power_source->size() > kMaxPowerSourceBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("power_source: longer than {} bytes", kMaxPowerSourceBytes));
  }
  if (r.error_codes && r.error_codes->size() > kMaxErrorCodes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("error_codes: more than {} codes", kMaxErrorCodes));
  }
  return {};
}

// Applies `r` to `d`, naming each field that changed.
void ApplyReport(Device& d, const DeviceReport& r, std::vector<std::string>& changed) {
  auto set = [&changed](const auto& from, auto& to, const char* name) {
    if (from && *from != to) {
      to = *from;
      changed.emplace_back(name);
    }
  };
  if (d.protocol.empty()) set(r.protocol, d.protocol, "protocol");
  set(r.manufacturer, d.identity.manufacturer, "manufacturer");
  set(r.model, d.identity.model, "model");
  set(r.serial, d.identity.serial, "serial");
  set(r.hardware_version, d.identity.hardware_version, "hardware_version");
  set(r.firmware_version, d.identity.firmware_version, "firmware_version");
  set(r.software_version, d.identity.software_version, "software_version");
  auto set_optional = [&changed](const auto& from, auto& to, const char* name) {
    if (from && (!to || *from != *to)) {
      to = *from;
      changed.emplace_back(name);
    }
  };
  set_optional(r.battery_level, d.health.battery_level, "battery_level");
  set(r.power_source, d.health.power_source, "power_source");
  set_optional(r.signal_strength, d.health.signal_strength, "signal_strength");
  set_optional(r.free_memory, d.health.free_memory, "free_memory");
  set(r.error_codes, d.health.error_codes, "error_codes");
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += JsonQuote(items[i]);
  }
  return out + "]";
}

}  // namespace

bool DeviceReport::empty() const {
  return !protocol && !manufacturer && !model && !serial && !hardware_version &&
         !firmware_version && !software_version && !battery_level && !power_source &&
         !signal_strength && !free_memory && !error_codes;
}

Result<Device> Registry::ReportDevice(DeviceId id, const DeviceReport& report) {
  if (auto ok = CheckHealth(report); !ok) return tl::unexpected(ok.error());
  for (int attempt = 0;; ++attempt) {
    auto current = store_.GetDevice(id);
    if (!current) return current;
    if (current->state == LifecycleState::kRetired) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("device {} is retired and cannot change", id));
    }
    Device next = *current;
    std::vector<std::string> changed;
    ApplyReport(next, report, changed);
    if (changed.empty()) return current;
    if (auto ok = ValidateNewDevice(next); !ok) return tl::unexpected(ok.error());
    Actor device_actor{0, "device:" + current->name, Role::kViewer};
    auto stored =
        store_.UpdateDevice(next, Audit(device_actor, "device.report", "device", std::to_string(id),
                                        fmt::format(R"({{"changed":{}}})", JsonList(changed))));
    // A concurrent change by an operator is not the device's business: apply again on top.
    if (!stored && stored.error().code == ErrorCode::kConflict && attempt < kConflictRetries) {
      continue;
    }
    if (!stored) return stored;
    PublishDevice("device.updated", *stored,
                  fmt::format(R"({{"name":{},"changed":{},"version":{},"by":"device"}})",
                              JsonQuote(stored->name), JsonList(changed), stored->version));
    return stored;
  }
}

}  // namespace custos::core
