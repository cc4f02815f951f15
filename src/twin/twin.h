// Front door of the twin module: each device's desired and reported state documents, its
// latest telemetry and recent log lines, with the rules between them. Protocol-neutral: the
// REST API and the protocol adapters (the MQTT device contract now, LwM2M later) come through
// here; nothing here knows a wire protocol. Other modules include this header only.
//
// Design:
// - Both documents are JSON objects. Operators change the desired one with a JSON Merge Patch
//   (RFC 7386); devices change the reported one the same way. Each document has a version
//   that goes up by one on every change, so a writer can say which version its change is
//   based on and be refused (kConflict) when another change came first.
// - The delta is what the device still has to do: every desired member whose value differs
//   from the reported one, recursively into objects that both sides have.
// - Reported members with well-known names feed the one device model through
//   core::Registry::ReportDevice: identity (manufacturer, model, serial, hardware_version,
//   firmware_version, software_version) and health (battery_level, power_source,
//   signal_strength, free_memory, error_codes).
// - Every change is published on the event bus: device.state.desired (with the version; the
//   protocol adapters deliver it), device.state.reported, device.telemetry, device.log.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace custos::twin {

// The largest desired or reported document, telemetry record or patch, serialised.
inline constexpr std::size_t kMaxDocumentBytes = 64 * 1024;
// Log lines kept per device; older ones are dropped as new ones arrive.
inline constexpr std::size_t kLogLinesKept = 1000;
// The longest log message kept (longer ones are cut).
inline constexpr std::size_t kMaxLogMessageBytes = 4096;
// Log levels, least severe first.
inline constexpr std::string_view kLogLevels[] = {"trace", "debug", "info",
                                                  "warn",  "error", "fatal"};

// RFC 7386: `target` patched by `patch`. A patch that is not an object replaces the target;
// a null member removes that member; an object member patches recursively.
boost::json::value MergePatch(boost::json::value target, const boost::json::value& patch);

// The members of `desired` whose value differs from `reported` (absent there, or another
// value); where both values are objects, only their differing members, recursively.
boost::json::object Delta(const boost::json::object& desired, const boost::json::object& reported);

// The well-known members of a reported document (or patch of one) as a device report. A
// well-known member of the wrong type or out of range is kInvalidArgument naming it; null
// members and unknown members are ignored.
core::Result<core::DeviceReport> ExtractDeviceReport(const boost::json::object& reported);

// A JSON text as an object; kInvalidArgument (with the byte position for a syntax error)
// for anything else.
core::Result<boost::json::object> ParseObject(std::string_view text);

// How a device changes its reported document.
struct ReportedUpdate {
  boost::json::object patch;                    // RFC 7386 merge patch
  std::optional<std::int64_t> based_on;         // the reported version the patch is based on
  std::optional<std::int64_t> desired_applied;  // the desired version the device has applied
};

// The state of a device as the REST API shows it: desired, desired_version, reported,
// reported_version, delta, desired_acknowledged, desired_updated_at, reported_updated_at.
boost::json::object StateToJson(const core::DeviceState& state);
// {"measurements": {...}, "updated_at": RFC 3339 or null}.
boost::json::object TelemetryToJson(const core::Telemetry& telemetry);
// {"at": RFC 3339, "level", "message"}.
boost::json::object LogLineToJson(const core::DeviceLogLine& line);

// The rules of device state. Cheap to make: it holds references only, so the REST handlers
// make one per request. Safe from any number of threads.
class DeviceStates {
 public:
  DeviceStates(core::Store& store, core::Registry& registry, core::EventBus& events)
      : store_(store), registry_(registry), events_(events) {}

  // kNotFound for an unknown device.
  core::Result<core::DeviceState> Get(core::DeviceId id);

  // Merge-patches the desired document (`patch` must be an object) and publishes
  // device.state.desired. With `expected_version`, kConflict unless the desired version is
  // that one. A patch that changes nothing stores nothing. kPayloadTooLarge when the patch or
  // the result exceeds kMaxDocumentBytes; kFailedPrecondition for a retired device. Audited
  // as device.state.desire.
  core::Result<core::DeviceState> PatchDesired(const core::Actor& actor, core::DeviceId id,
                                               const boost::json::object& patch,
                                               std::optional<std::int64_t> expected_version);

  // Applies a device's update of its reported document, records which desired version it
  // has applied, feeds the well-known members to the device model (ExtractDeviceReport,
  // Registry::ReportDevice) and publishes device.state.reported when the document changed.
  // kConflict when `based_on` is not the reported version; kInvalidArgument for a
  // well-known member of the wrong type; kPayloadTooLarge as for PatchDesired.
  core::Result<core::DeviceState> ApplyReported(core::DeviceId id, std::string_view name,
                                                const ReportedUpdate& update);
  // ApplyReported for a caller that must not hold a thread while the write is committed (the
  // MQTT device contract acknowledging a message): returns at once and calls `done` once,
  // after the commit, with the outcome (core::Store::UpdateReportedState: `done` may run on the
  // store's writer thread, so it must be quick and must not call the store). Updates of one
  // device made one after another apply in that order, each merged on top of the one before.
  // An update with well-known members also feeds the device model, a blocking write: it is
  // applied synchronously by ApplyReported, and `done` is called before this returns.
  void ApplyReportedAsync(core::DeviceId id, std::string name, ReportedUpdate update,
                          std::function<void(core::Result<core::DeviceState>)> done);

  // Merges the measurements into the device's latest telemetry (member by member, so that
  // measurements sent apart are all kept) and publishes device.telemetry with what arrived.
  // kPayloadTooLarge when the result exceeds kMaxDocumentBytes.
  core::Result<void> RecordTelemetry(core::DeviceId id, std::string_view name,
                                     const boost::json::object& measurements);
  core::Result<core::Telemetry> GetTelemetry(core::DeviceId id);

  // Keeps the lines (the newest kLogLinesKept per device; messages cut at
  // kMaxLogMessageBytes) and publishes one device.log event with them. kInvalidArgument for
  // a level not in kLogLevels.
  core::Result<void> AppendLogs(core::DeviceId id, std::string_view name,
                                std::vector<core::DeviceLogLine> lines);
  // The newest `limit` lines, oldest first.
  core::Result<std::vector<core::DeviceLogLine>> ListLogs(core::DeviceId id, std::size_t limit);

 private:
  core::Store& store_;
  core::Registry& registry_;
  core::EventBus& events_;
};

}  // namespace custos::twin
