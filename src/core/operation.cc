#include "core/operation.h"

#include <array>
#include <utility>

namespace custos::core {
namespace {

constexpr std::array<std::pair<OperationKind, const char*>, 10> kKinds{{
    {OperationKind::kReboot, "reboot"},
    {OperationKind::kFactoryReset, "factory_reset"},
    {OperationKind::kEnable, "enable"},
    {OperationKind::kDisable, "disable"},
    {OperationKind::kFirmwareUpdate, "firmware_update"},
    {OperationKind::kConfigure, "configure"},
    {OperationKind::kRead, "read"},
    {OperationKind::kWrite, "write"},
    {OperationKind::kExecute, "execute"},
    {OperationKind::kCustom, "custom"},
}};

constexpr std::array<std::pair<OperationState, const char*>, 10> kStates{{
    {OperationState::kPending, "pending"},
    {OperationState::kScheduled, "scheduled"},
    {OperationState::kWaiting, "waiting"},
    {OperationState::kSent, "sent"},
    {OperationState::kInProgress, "in_progress"},
    {OperationState::kSucceeded, "succeeded"},
    {OperationState::kFailed, "failed"},
    {OperationState::kTimedOut, "timed_out"},
    {OperationState::kCancelled, "cancelled"},
    {OperationState::kRejected, "rejected"},
}};

template <class E, std::size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, const char*>, N>& table,
                         std::string_view name) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

}  // namespace

const char* ToString(OperationKind k) { return NameOf(kKinds, k); }
std::optional<OperationKind> ParseOperationKind(std::string_view s) { return ValueOf(kKinds, s); }
const char* ToString(OperationState s) { return NameOf(kStates, s); }
std::optional<OperationState> ParseOperationState(std::string_view s) {
  return ValueOf(kStates, s);
}

bool IsFinal(OperationState s) {
  switch (s) {
    case OperationState::kSucceeded:
    case OperationState::kFailed:
    case OperationState::kTimedOut:
    case OperationState::kCancelled:
    case OperationState::kRejected:
      return true;
    default:
      return false;
  }
}

}  // namespace custos::core
