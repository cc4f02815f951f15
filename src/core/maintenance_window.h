// Maintenance windows: recurring periods (a cron-like start, a duration, an IANA time zone)
// during which disruptive work may reach the devices of the groups they are attached to.
// The store keeps them; ops/maintenance_window.h evaluates them.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/group.h"

namespace custos::core {

using MaintenanceWindowId = std::int64_t;

struct MaintenanceWindow {
  MaintenanceWindowId id = 0;
  std::string name;  // unique
  std::string description;
  // When the window opens, in the window's local time: five cron fields (minute hour
  // day-of-month month day-of-week), each `*`, a number, a range, a list and/or a step.
  std::string cron;
  std::int64_t duration_s = 3600;  // how long it stays open (elapsed time)
  std::string time_zone = "UTC";   // IANA name, e.g. "Europe/Berlin"
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 0;
};

// A window attached to a group: the group's devices take disruptive work only inside it.
struct WindowAttachment {
  GroupId group_id = 0;
  MaintenanceWindowId window_id = 0;
};

}  // namespace custos::core
