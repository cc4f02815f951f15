#include "core/store.h"

namespace custos::core {

bool IsSortableDeviceField(std::string_view field) {
  static constexpr std::string_view kFields[] = {
      "id", "name", "created_at", "updated_at", "last_seen",
      "manufacturer", "model", "firmware_version", "state"};
  for (auto f : kFields) {
    if (f == field) return true;
  }
  return false;
}

}  // namespace custos::core
