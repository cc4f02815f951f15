// The topics of the contract, inside a device's namespace `devices/{name}/`.
#include <fmt/format.h>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

// One topic level: not empty, no '/'. Wildcards cannot occur in a topic name.
bool IsLevel(std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; }

}  // namespace

const char* ToString(TopicKind kind) {
  switch (kind) {
    case TopicKind::kIdentity:
      return "identity";
    case TopicKind::kReported:
      return "reported";
    case TopicKind::kTelemetry:
      return "telemetry";
    case TopicKind::kLogs:
      return "logs";
    case TopicKind::kOperationProgress:
      return "operation_progress";
    case TopicKind::kOperationResult:
      return "operation_result";
    case TopicKind::kRequest:
      return "request";
    case TopicKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

DeviceTopic ClassifyTopic(std::string_view topic, std::string_view device_name) {
  const std::string prefix = fmt::format("devices/{}/", device_name);
  if (!topic.starts_with(prefix)) return {};
  std::string_view rest = topic.substr(prefix.size());
  if (rest == "identity") return {TopicKind::kIdentity, ""};
  if (rest == "state/reported") return {TopicKind::kReported, ""};
  if (rest == "telemetry") return {TopicKind::kTelemetry, ""};
  if (rest == "logs") return {TopicKind::kLogs, ""};
  if (rest == "requests") return {TopicKind::kRequest, ""};
  if (rest.starts_with("requests/") && IsLevel(rest.substr(9))) {
    return {TopicKind::kRequest, std::string(rest.substr(9))};
  }
  if (rest.starts_with("operations/")) {
    std::string_view tail = rest.substr(11);
    auto slash = tail.find('/');
    if (slash == std::string_view::npos) return {};
    std::string_view id = tail.substr(0, slash);
    std::string_view what = tail.substr(slash + 1);
    if (!IsLevel(id)) return {};
    if (what == "progress") return {TopicKind::kOperationProgress, std::string(id)};
    if (what == "result") return {TopicKind::kOperationResult, std::string(id)};
  }
  return {};
}

std::string DesiredTopic(std::string_view device_name) {
  return fmt::format("devices/{}/state/desired", device_name);
}

std::string DeltaTopic(std::string_view device_name) {
  return fmt::format("devices/{}/state/delta", device_name);
}

std::string ReplyTopic(std::string_view device_name, std::string_view request_id) {
  return fmt::format("devices/{}/replies/{}", device_name, request_id);
}

std::string OperationTopic(std::string_view device_name, std::string_view operation_id) {
  return fmt::format("devices/{}/operations/{}", device_name, operation_id);
}

std::string ErrorsTopic(std::string_view device_name) {
  return fmt::format("devices/{}/errors", device_name);
}

}  // namespace custos::mqtt_contract
