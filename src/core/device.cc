#include "core/device.h"

#include <fmt/format.h>

namespace custos::core {
namespace {

constexpr std::size_t kMaxNameBytes = 128;
constexpr std::size_t kMaxLabelKeyBytes = 63;
constexpr std::size_t kMaxLabelValueBytes = 256;
constexpr std::size_t kMaxLabels = 64;
constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxMetadataBytes = 64 * 1024;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsNameChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
}

bool IsLabelKeyChar(char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '/' || c == '-'; }

Result<void> CheckText(std::string_view what, std::string_view value, std::size_t max) {
  if (value.size() > max) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: longer than {} bytes", what, max));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: control character at {}", what, i));
    }
  }
  return {};
}

}  // namespace

const char* ToString(LifecycleState s) {
  switch (s) {
    case LifecycleState::kProvisioned: return "provisioned";
    case LifecycleState::kActive: return "active";
    case LifecycleState::kDisabled: return "disabled";
    case LifecycleState::kRetired: return "retired";
  }
  return "provisioned";
}

std::optional<LifecycleState> ParseLifecycleState(std::string_view s) {
  if (s == "provisioned") return LifecycleState::kProvisioned;
  if (s == "active") return LifecycleState::kActive;
  if (s == "disabled") return LifecycleState::kDisabled;
  if (s == "retired") return LifecycleState::kRetired;
  return std::nullopt;
}

bool IsKnownProtocol(std::string_view p) {
  for (auto known : kKnownProtocols) {
    if (p == known) return true;
  }
  return false;
}

Result<void> ValidateDeviceName(std::string_view name) {
  if (name.empty()) return MakeError(ErrorCode::kInvalidArgument, "name: must not be empty");
  if (name.size() > kMaxNameBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("name: longer than {} bytes", kMaxNameBytes));
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      auto c = static_cast<unsigned char>(name[i]);
      std::string shown = c >= 0x20 && c < 0x7f ? fmt::format("'{}'", name[i])
                                                : fmt::format("0x{:02x}", c);
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("name: character {} not allowed at {}", shown, i));
    }
  }
  return {};
}

Result<void> ValidateLabels(const Labels& labels) {
  if (labels.size() > kMaxLabels) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("labels: more than {}", kMaxLabels));
  }
  for (const auto& [key, value] : labels) {
    if (key.empty() || key.size() > kMaxLabelKeyBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("labels: key '{}' must be 1 to {} bytes", key,
                                   kMaxLabelKeyBytes));
    }
    if (!IsAlnum(key[0])) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("labels: key '{}' must start with a letter or digit", key));
    }
    for (char c : key) {
      if (!IsLabelKeyChar(c)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("labels: key '{}' has a character not allowed", key));
      }
    }
    if (auto r = CheckText(fmt::format("labels.{}", key), value, kMaxLabelValueBytes); !r) {
      return r;
    }
  }
  return {};
}

Result<void> ValidateNewDevice(const Device& d) {
  if (auto r = ValidateDeviceName(d.name); !r) return r;
  if (!d.protocol.empty() && !IsKnownProtocol(d.protocol)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("protocol: unknown protocol '{}' (lwm2m, mqtt, cwmp, usp, http)",
                                 d.protocol));
  }
  const std::pair<const char*, const std::string*> fields[] = {
      {"manufacturer", &d.identity.manufacturer},
      {"model", &d.identity.model},
      {"serial", &d.identity.serial},
      {"hardware_version", &d.identity.hardware_version},
      {"firmware_version", &d.identity.firmware_version},
      {"software_version", &d.identity.software_version},
  };
  for (const auto& [what, value] : fields) {
    if (auto r = CheckText(what, *value, kMaxFieldBytes); !r) return r;
  }
  if (d.metadata_json.size() > kMaxMetadataBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("metadata: larger than {} bytes", kMaxMetadataBytes));
  }
  return ValidateLabels(d.labels);
}

bool IsAllowedTransition(LifecycleState from, LifecycleState to) {
  using S = LifecycleState;
  if (from == S::kRetired) return false;
  switch (to) {
    case S::kActive: return from == S::kProvisioned || from == S::kDisabled;
    case S::kDisabled: return from == S::kProvisioned || from == S::kActive;
    case S::kRetired: return true;
    case S::kProvisioned: return from == S::kDisabled;  // re-enabling a never-seen device
  }
  return false;
}

}  // namespace custos::core
