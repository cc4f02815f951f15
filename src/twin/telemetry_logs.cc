// Telemetry (the latest value of each measurement) and device log lines.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;

bool IsLogLevel(std::string_view level) {
  return std::find(std::begin(kLogLevels), std::end(kLogLevels), level) != std::end(kLogLevels);
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
void CutUtf8(std::string& text, std::size_t max) {
  if (text.size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
}

void Publish(core::EventBus& events, const char* type, core::DeviceId id, json::object data) {
  core::Event e;
  e.type = type;
  e.device_id = id;
  e.data_json = json::serialize(data);
  events.Publish(std::move(e));
}

}  // namespace

core::Result<void> DeviceStates::RecordTelemetry(core::DeviceId id, std::string_view name,
                                                 const json::object& measurements) {
  auto latest = store_.GetTelemetry(id);
  if (!latest) return tl::unexpected(latest.error());
  auto merged = ParseObject(latest->measurements_json);
  json::object record = merged ? std::move(*merged) : json::object();
  for (const auto& [key, value] : measurements) record[key] = value;
  std::string text = json::serialize(record);
  if (text.size() > kMaxDocumentBytes) {
    return core::MakeError(core::ErrorCode::kPayloadTooLarge,
                           fmt::format("telemetry: larger than {} bytes", kMaxDocumentBytes));
  }
  if (auto saved = store_.SaveTelemetry(id, std::move(text), 0); !saved) return saved;
  Publish(events_, "device.telemetry", id, {{"name", name}, {"measurements", measurements}});
  return {};
}

core::Result<core::Telemetry> DeviceStates::GetTelemetry(core::DeviceId id) {
  return store_.GetTelemetry(id);
}

core::Result<void> DeviceStates::AppendLogs(core::DeviceId id, std::string_view name,
                                            std::vector<core::DeviceLogLine> lines) {
  json::array shown;
  for (core::DeviceLogLine& line : lines) {
    if (!IsLogLevel(line.level)) {
      return core::MakeError(
          core::ErrorCode::kInvalidArgument,
          fmt::format("level: '{}' is not trace, debug, info, warn, error or fatal", line.level));
    }
    CutUtf8(line.message, kMaxLogMessageBytes);
  }
  if (lines.empty()) return {};
  for (const core::DeviceLogLine& line : lines) {
    shown.push_back(json::object{{"level", line.level}, {"message", line.message}});
  }
  if (auto saved = store_.AppendDeviceLogs(id, std::move(lines), kLogLinesKept); !saved) {
    return saved;
  }
  Publish(events_, "device.log", id, {{"name", name}, {"lines", std::move(shown)}});
  return {};
}

core::Result<std::vector<core::DeviceLogLine>> DeviceStates::ListLogs(core::DeviceId id,
                                                                      std::size_t limit) {
  return store_.ListDeviceLogs(id, limit);
}

}  // namespace custos::twin
