// Groups: static (explicit members) or dynamic (a saved filter evaluated on demand).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

using GroupId = std::int64_t;

enum class GroupKind { kStatic, kDynamic };
const char* ToString(GroupKind k);  // "static", "dynamic"

struct Group {
  GroupId id = 0;
  std::string name;         // unique, same rules as device names
  std::string description;
  GroupKind kind = GroupKind::kStatic;
  std::string filter;       // for dynamic groups: filter-language text, validated on save
  Labels labels;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 0;
};

}  // namespace custos::core
