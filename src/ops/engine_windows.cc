// The maintenance_window guard: which windows apply to an operation (its own window_ids and
// the windows of every group its device is in, static or dynamic) and whether one is open.
#include <spdlog/spdlog.h>

#include "ops/engine_impl.h"

namespace custos::ops {

void Engine::Impl::LoadWindowsLocked() {
  const auto now = std::chrono::steady_clock::now();
  if (windows_.loaded && now - windows_.loaded_at < std::chrono::milliseconds(kWindowsMaxAgeMs)) {
    return;
  }
  WindowCache cache;
  cache.loaded = true;
  cache.loaded_at = now;
  auto windows = services_.store.ListMaintenanceWindows();
  auto attachments = services_.store.ListWindowAttachments();
  if (!windows || !attachments) {
    // A store without windows has none; any other failure keeps what was read before.
    const core::Error& error = !windows ? windows.error() : attachments.error();
    if (windows_.loaded && error.code != core::ErrorCode::kUnavailable) return;
    windows_ = std::move(cache);
    return;
  }
  for (const core::MaintenanceWindow& w : *windows) {
    auto compiled = CompileWindow(w);
    if (!compiled) {
      spdlog::warn("operations: maintenance window {} ignored: {}", w.id, compiled.error().message);
      continue;
    }
    cache.schedules.emplace(w.id, *compiled);
  }
  for (const core::WindowAttachment& a : *attachments) {
    cache.by_group[a.group_id].push_back(a.window_id);
  }
  if (!cache.by_group.empty()) {
    auto groups = services_.registry.ListGroups();
    if (groups) {
      for (const core::Group& g : *groups) {
        auto it = cache.by_group.find(g.id);
        if (g.kind != core::GroupKind::kDynamic || it == cache.by_group.end()) continue;
        auto filter = core::filter::Parse(g.filter);
        if (filter) cache.dynamic.emplace_back(std::move(*filter), it->second);
      }
    }
  }
  windows_ = std::move(cache);
}

bool Engine::Impl::WindowsHoldLocked(const core::Operation& op, const core::Device& device,
                                     std::optional<core::TimeMs>& opens_at) {
  if (op.ignore_maintenance_windows) return false;
  LoadWindowsLocked();
  if (op.window_ids.empty() && windows_.by_group.empty()) return false;
  std::set<core::MaintenanceWindowId> ids(op.window_ids.begin(), op.window_ids.end());
  if (!windows_.by_group.empty()) {
    if (auto groups = services_.store.GroupsOfDevice(device.id)) {
      for (core::GroupId g : *groups) {
        auto it = windows_.by_group.find(g);
        if (it != windows_.by_group.end()) ids.insert(it->second.begin(), it->second.end());
      }
    }
    for (const auto& [filter, windows] : windows_.dynamic) {
      if (core::filter::Matches(filter, device)) ids.insert(windows.begin(), windows.end());
    }
  }
  std::vector<WindowSchedule> applying;
  for (core::MaintenanceWindowId id : ids) {
    // A window deleted since the operation named it no longer holds it.
    auto it = windows_.schedules.find(id);
    if (it != windows_.schedules.end()) applying.push_back(it->second);
  }
  if (applying.empty()) return false;
  const core::TimeMs now = services_.clock.Now();
  if (InsideAny(applying, now)) return false;
  opens_at = NextOpening(applying, now);
  return true;
}

void Engine::MaintenanceWindowsChanged() {
  Impl::Actions actions;
  {
    std::lock_guard lock(impl_->mu_);
    impl_->windows_.loaded = false;
    impl_->LoadWindowsLocked();
    // Everything held may be affected: attached windows hold operations that were free.
    std::vector<core::DeviceId> devices;
    for (const auto& [device, ids] : impl_->by_device_) devices.push_back(device);
    if (impl_->started_) {
      for (core::DeviceId device : devices) impl_->StepDeviceLocked(device, actions);
    }
  }
  Impl::RunActions(actions);
}

}  // namespace custos::ops
