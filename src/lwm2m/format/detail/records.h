// Internal to lwm2m/format: the rules every decoder's output and every encoder's input obey.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "lwm2m/value.h"

namespace custos::lwm2m::format::detail {

// Every record a resource or resource instance inside `base`, no two with the same path and
// time, no resource with both a value and instances; `times` false refuses any time (formats
// that carry none), and every time is finite. kInvalidArgument naming `format` and the first
// offender.
core::Result<void> CheckRecords(std::span<const Record> records, const Path& base,
                                std::string_view format, bool times);

// The records in path order, then time order (no time first); times must be finite.
std::vector<const Record*> SortedByPath(std::span<const Record> records);

// `path` cut to its first `depth` levels.
Path Truncate(const Path& path, int depth);
// The id at level `level` (1 object .. 4 resource instance); the level must exist.
std::uint16_t LevelId(const Path& path, int level);
// `path` with `id` as its next level; `path` must have fewer than four.
Path Child(const Path& path, std::uint16_t id);

}  // namespace custos::lwm2m::format::detail
