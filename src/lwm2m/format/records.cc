#include "lwm2m/format/detail/records.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {

core::Result<void> CheckRecords(std::span<const Record> records, const Path& base,
                                std::string_view format, bool times) {
  for (const auto& record : records) {
    if (record.path.depth() < 3) {
      return Invalid(
          fmt::format("{}: record at {} is not a resource", format, ToString(record.path)));
    }
    if (!base.Contains(record.path)) {
      return Invalid(fmt::format("{}: record at {} is outside {}", format, ToString(record.path),
                                 ToString(base)));
    }
    if (!times && record.time) {
      return Invalid(
          fmt::format("{}: carries no time (record at {})", format, ToString(record.path)));
    }
    if (record.time && !std::isfinite(*record.time)) {
      return Invalid(fmt::format("{}: time of {} is not finite", format, ToString(record.path)));
    }
  }
  auto sorted = SortedByPath(records);
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const Record& a = *sorted[i - 1];
    const Record& b = *sorted[i];
    // Sorted, a resource comes right before its first instance.
    if (a.path.depth() == 3 && b.path.depth() == 4 && b.path.Parent() == a.path) {
      return Invalid(
          fmt::format("{}: {} has both a value and instances", format, ToString(a.path)));
    }
    if (a.path != b.path) continue;
    // A path repeats only with distinct times (a Send of a series).
    if (a.time == b.time) {
      return Invalid(fmt::format("{}: {} appears twice", format, ToString(a.path)));
    }
  }
  return {};
}

std::vector<const Record*> SortedByPath(std::span<const Record> records) {
  std::vector<const Record*> sorted;
  sorted.reserve(records.size());
  for (const auto& record : records) sorted.push_back(&record);
  // Times are finite here (CheckRecords), so the order is strict and weak.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Record* a, const Record* b) {
    if (a->path != b->path) return a->path < b->path;
    return a->time < b->time;
  });
  return sorted;
}

Path Truncate(const Path& path, int depth) {
  Path out = path;
  while (out.depth() > depth) out = out.Parent();
  return out;
}

std::uint16_t LevelId(const Path& path, int level) {
  switch (level) {
    case 1:
      return *path.object;
    case 2:
      return *path.instance;
    case 3:
      return *path.resource;
    default:
      return *path.resource_instance;
  }
}

Path Child(const Path& path, std::uint16_t id) {
  Path out = path;
  switch (path.depth()) {
    case 0:
      out.object = id;
      break;
    case 1:
      out.instance = id;
      break;
    case 2:
      out.resource = id;
      break;
    default:
      out.resource_instance = id;
      break;
  }
  return out;
}

}  // namespace custos::lwm2m::format::detail
