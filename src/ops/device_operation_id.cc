// The names that travel: device-facing operation ids and device outcomes.
#include <charconv>

#include "ops/ops.h"

namespace custos::ops {

std::string DeviceOperationId(std::int64_t operation_id) {
  return "op-" + std::to_string(operation_id);
}

std::optional<std::int64_t> ParseDeviceOperationId(std::string_view device_id) {
  constexpr std::string_view kPrefix = "op-";
  if (!device_id.starts_with(kPrefix)) return std::nullopt;
  std::string_view digits = device_id.substr(kPrefix.size());
  if (digits.empty() || digits.front() == '0' || digits.size() > 18) return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

const char* ToString(DeviceOutcome outcome) {
  switch (outcome) {
    case DeviceOutcome::kSucceeded:
      return "succeeded";
    case DeviceOutcome::kFailed:
      return "failed";
    case DeviceOutcome::kRejected:
      return "rejected";
  }
  return "failed";
}

std::optional<DeviceOutcome> ParseDeviceOutcome(std::string_view text) {
  if (text == "succeeded") return DeviceOutcome::kSucceeded;
  if (text == "failed") return DeviceOutcome::kFailed;
  if (text == "rejected") return DeviceOutcome::kRejected;
  return std::nullopt;
}

}  // namespace custos::ops
