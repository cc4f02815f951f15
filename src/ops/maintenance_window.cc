// Maintenance windows as functions of an instant, in the window's time zone.
#include "ops/maintenance_window.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace custos::ops {
namespace {

using Minutes = std::chrono::minutes;
using Ms = std::chrono::milliseconds;

// Far enough for a window that opens only on Feb 29 of a year whose day of week is given.
constexpr int kSearchDays = 3660;

bool DayMatches(const CronSpec& cron, date::local_days day) {
  const date::year_month_day ymd{day};
  if (!cron.months.test(static_cast<unsigned>(ymd.month()))) return false;
  const bool dom = cron.days_of_month.test(static_cast<unsigned>(ymd.day()));
  const bool dow = cron.days_of_week.test(date::weekday{day}.c_encoding());
  if (cron.day_of_month_star || cron.day_of_week_star) return dom && dow;
  return dom || dow;
}

// The instant a local start time stands for: the end of a gap the zone skips, the first of
// two when it repeats.
core::TimeMs ToInstant(const date::time_zone& zone, date::local_time<Minutes> local) {
  const auto sys = zone.to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(sys.time_since_epoch()).count();
}

date::local_days LocalDay(const date::time_zone& zone, core::TimeMs t) {
  const auto local = zone.to_local(date::sys_time<Ms>{Ms{t}});
  return date::floor<date::days>(local);
}

}  // namespace

core::Result<WindowSchedule> CompileWindow(const core::MaintenanceWindow& window) {
  auto cron = ParseCron(window.cron);
  if (!cron) return tl::unexpected(cron.error());
  if (window.duration_s < 1 || window.duration_s > kMaxWindowDurationS) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("duration_s: must be from 1 to {}", kMaxWindowDurationS));
  }
  WindowSchedule schedule;
  try {
    schedule.zone = date::locate_zone(window.time_zone);
  } catch (const std::exception&) {
    // locate_zone throws for an unknown name: the one exception this module catches.
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("time_zone: unknown zone '{}'", window.time_zone));
  }
  schedule.id = window.id;
  schedule.cron = *cron;
  schedule.duration_ms = window.duration_s * 1000;
  return schedule;
}

std::optional<core::TimeMs> NextStart(const WindowSchedule& window, core::TimeMs t) {
  const date::time_zone& zone = *window.zone;
  // A day early: a start on the previous local day may map to `t` or later across a gap.
  const date::local_days first = LocalDay(zone, t) - date::days{1};
  for (int d = 0; d <= kSearchDays; ++d) {
    const date::local_days day = first + date::days{d};
    if (!DayMatches(window.cron, day)) continue;
    for (int h = 0; h < 24; ++h) {
      if (!window.cron.hours.test(h)) continue;
      for (int m = 0; m < 60; ++m) {
        if (!window.cron.minutes.test(m)) continue;
        const core::TimeMs at = ToInstant(zone, day + std::chrono::hours{h} + Minutes{m});
        if (at >= t) return at;
      }
    }
  }
  return std::nullopt;
}

std::optional<core::TimeMs> PreviousStart(const WindowSchedule& window, core::TimeMs t) {
  const date::time_zone& zone = *window.zone;
  const date::local_days last = LocalDay(zone, t) + date::days{1};
  for (int d = 0; d <= kSearchDays; ++d) {
    const date::local_days day = last - date::days{d};
    if (!DayMatches(window.cron, day)) continue;
    for (int h = 23; h >= 0; --h) {
      if (!window.cron.hours.test(h)) continue;
      for (int m = 59; m >= 0; --m) {
        if (!window.cron.minutes.test(m)) continue;
        const core::TimeMs at = ToInstant(zone, day + std::chrono::hours{h} + Minutes{m});
        if (at <= t) return at;
      }
    }
  }
  return std::nullopt;
}

bool InsideAny(std::span<const WindowSchedule> windows, core::TimeMs t) {
  return std::any_of(windows.begin(), windows.end(), [t](const WindowSchedule& w) {
    // The latest start decides: every earlier one closed no later than it will.
    auto start = PreviousStart(w, t);
    return start && t < *start + w.duration_ms;
  });
}

std::optional<core::TimeMs> NextOpening(std::span<const WindowSchedule> windows, core::TimeMs t) {
  if (InsideAny(windows, t)) return t;
  std::optional<core::TimeMs> best;
  for (const WindowSchedule& w : windows) {
    auto start = NextStart(w, t);
    if (start && (!best || *start < *best)) best = start;
  }
  return best;
}

}  // namespace custos::ops
