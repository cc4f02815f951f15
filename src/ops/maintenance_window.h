// Maintenance windows evaluated: a cron-like start in a time zone and a duration, as pure
// functions of an instant. Part of the ops front door (ops/ops.h).
//
// Cron: five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or jan-dec)
// day-of-week (0-7 or sun-sat, 0 and 7 both Sunday). Each field is a comma list of `*`, a
// value, a range `a-b`, optionally stepped (`*/15`, `10-50/20`, `5/10` = from 5 to the end).
// As in Vixie cron, when both day fields are restricted (neither starts with `*`) a day
// matches if EITHER matches; otherwise both must.
//
// Time: the fields are read in the window's IANA zone (the system tzdata through the date/tz
// library), so "0 2 * * *" in Europe/Berlin opens at 02:00 Berlin time all year. A start that
// the zone skips (spring forward) opens at the end of the gap; a start that happens twice
// (fall back) opens once, at the first. A window is open for [start, start + duration), in
// elapsed time; several windows (or one whose duration exceeds its period) simply overlap.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "core/maintenance_window.h"

namespace date {
class time_zone;
}

namespace custos::ops {

struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday
  bool day_of_month_star = false;  // the field starts with `*`
  bool day_of_week_star = false;
};

// Parses a five-field cron expression; kInvalidArgument naming the field that is wrong.
core::Result<CronSpec> ParseCron(std::string_view text);

// Longest window accepted: a year.
inline constexpr std::int64_t kMaxWindowDurationS = 366LL * 24 * 3600;

// A window ready to evaluate.
struct WindowSchedule {
  core::MaintenanceWindowId id = 0;
  CronSpec cron;
  std::int64_t duration_ms = 0;
  const date::time_zone* zone = nullptr;
};

// Checks a window's cron, duration (1 s .. kMaxWindowDurationS) and time zone (an IANA name
// the system tzdata knows) and compiles it; kInvalidArgument naming the bad field.
core::Result<WindowSchedule> CompileWindow(const core::MaintenanceWindow& window);

// Whether `t` is inside any of the windows (false for none).
bool InsideAny(std::span<const WindowSchedule> windows, core::TimeMs t);

// The first instant at or after `t` at which one of the windows is open: `t` itself when it is
// inside one; nullopt when none opens within the next ten years (or there are none).
std::optional<core::TimeMs> NextOpening(std::span<const WindowSchedule> windows, core::TimeMs t);

// The latest start of the window at or before `t` and the first at or after `t` (within ten
// years), as instants.
std::optional<core::TimeMs> PreviousStart(const WindowSchedule& window, core::TimeMs t);
std::optional<core::TimeMs> NextStart(const WindowSchedule& window, core::TimeMs t);

}  // namespace custos::ops
