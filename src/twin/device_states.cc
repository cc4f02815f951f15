// Desired and reported state: merge patches, versions, the device model, events.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;
using core::ErrorCode;
using core::MakeError;

// Another writer may store a document between our read and our write; a change that is not
// based on a version the caller named is simply merged again on top.
constexpr int kConflictRetries = 5;

core::Result<void> CheckSize(std::string_view what, std::size_t bytes) {
  if (bytes > kMaxDocumentBytes) {
    return MakeError(ErrorCode::kPayloadTooLarge,
                     fmt::format("{}: larger than {} bytes", what, kMaxDocumentBytes));
  }
  return {};
}

json::object Document(const std::string& text) {
  auto parsed = ParseObject(text);
  return parsed ? std::move(*parsed) : json::object();
}

// The text of `target` patched by `patch`, checked against the size limit.
core::Result<std::string> Patched(std::string_view what, const std::string& target,
                                  const json::object& patch) {
  json::value merged = MergePatch(json::value(Document(target)), json::value(patch));
  std::string text = json::serialize(merged);
  if (auto ok = CheckSize(what, text.size()); !ok) return tl::unexpected(ok.error());
  return text;
}

void Publish(core::EventBus& events, const char* type, core::DeviceId id, json::object data) {
  core::Event e;
  e.type = type;
  e.device_id = id;
  e.data_json = json::serialize(data);
  events.Publish(std::move(e));
}

}  // namespace

core::Result<core::DeviceState> DeviceStates::Get(core::DeviceId id) {
  return store_.GetDeviceState(id);
}

core::Result<core::DeviceState> DeviceStates::PatchDesired(
    const core::Actor& actor, core::DeviceId id, const json::object& patch,
    std::optional<std::int64_t> expected_version) {
  const std::string patch_text = json::serialize(patch);
  if (auto ok = CheckSize("patch", patch_text.size()); !ok) return tl::unexpected(ok.error());
  auto device = registry_.GetDevice(id);
  if (!device) return tl::unexpected(device.error());
  if (device->state == core::LifecycleState::kRetired) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("device {} is retired and cannot change", id));
  }
  for (int attempt = 0;; ++attempt) {
    auto current = store_.GetDeviceState(id);
    if (!current) return current;
    if (expected_version && *expected_version != current->desired_version) {
      return MakeError(ErrorCode::kConflict,
                       fmt::format("the desired state of device {} is at version {}, not {}", id,
                                   current->desired_version, *expected_version));
    }
    auto next = Patched("desired", current->desired_json, patch);
    if (!next) return tl::unexpected(next.error());
    if (*next == current->desired_json) return current;
    core::AuditEntry audit;
    audit.actor = actor.name;
    audit.actor_token_id = actor.token_id;
    audit.action = "device.state.desire";
    audit.target_type = "device";
    audit.target_id = std::to_string(id);
    audit.details_json =
        fmt::format(R"({{"version":{},"patch":{}}})", current->desired_version + 1, patch_text);
    auto stored =
        store_.SaveDesiredState(id, std::move(*next), current->desired_version, std::move(audit));
    if (!stored && stored.error().code == ErrorCode::kConflict && !expected_version &&
        attempt < kConflictRetries) {
      continue;
    }
    if (!stored) return stored;
    Publish(events_, "device.state.desired", id,
            {{"name", device->name}, {"version", stored->desired_version}});
    return stored;
  }
}

core::Result<core::DeviceState> DeviceStates::ApplyReported(core::DeviceId id,
                                                            std::string_view name,
                                                            const ReportedUpdate& update) {
  auto report = ExtractDeviceReport(update.patch);
  if (!report) return tl::unexpected(report.error());
  const std::string patch_text = json::serialize(update.patch);
  if (auto ok = CheckSize("patch", patch_text.size()); !ok) return tl::unexpected(ok.error());
  for (int attempt = 0;; ++attempt) {
    auto current = store_.GetDeviceState(id);
    if (!current) return current;
    if (update.based_on && *update.based_on != current->reported_version) {
      return MakeError(ErrorCode::kConflict,
                       fmt::format("the reported state is at version {}, not {}",
                                   current->reported_version, *update.based_on));
    }
    auto next = Patched("reported", current->reported_json, update.patch);
    if (!next) return tl::unexpected(next.error());
    const bool changed = *next != current->reported_json;
    const bool acknowledges =
        update.desired_applied && *update.desired_applied != current->desired_acknowledged;
    if (!changed && !acknowledges) return current;
    auto stored = store_.SaveReportedState(id, std::move(*next), current->reported_version,
                                           update.desired_applied);
    if (!stored && stored.error().code == ErrorCode::kConflict && !update.based_on &&
        attempt < kConflictRetries) {
      continue;
    }
    if (!stored) return stored;
    if (changed) {
      Publish(events_, "device.state.reported", id,
              {{"name", name}, {"version", stored->reported_version}, {"patch", update.patch}});
    }
    if (!report->empty()) {
      if (auto r = registry_.ReportDevice(id, *report); !r) return tl::unexpected(r.error());
    }
    return stored;
  }
}

void DeviceStates::ApplyReportedAsync(
    core::DeviceId id, std::string name, ReportedUpdate update,
    std::function<void(core::Result<core::DeviceState>)> done) {
  auto report = ExtractDeviceReport(update.patch);
  if (!report) {
    done(tl::unexpected(report.error()));
    return;
  }
  if (!report->empty()) {
    done(ApplyReported(id, name, update));
    return;
  }
  std::string patch_text = json::serialize(update.patch);
  if (auto ok = CheckSize("patch", patch_text.size()); !ok) {
    done(tl::unexpected(ok.error()));
    return;
  }
  // Set by the change (on the store's writer thread), read by the completion after it.
  auto changed = std::make_shared<bool>(false);
  auto change = [changed, based_on = update.based_on, desired_applied = update.desired_applied,
                 patch = std::move(update.patch)](const core::DeviceState& current)
      -> core::Result<std::optional<core::Store::ReportedChange>> {
    *changed = false;
    if (based_on && *based_on != current.reported_version) {
      return MakeError(ErrorCode::kConflict,
                       fmt::format("the reported state is at version {}, not {}",
                                   current.reported_version, *based_on));
    }
    auto next = Patched("reported", current.reported_json, patch);
    if (!next) return tl::unexpected(next.error());
    *changed = *next != current.reported_json;
    const bool acknowledges = desired_applied && *desired_applied != current.desired_acknowledged;
    if (!*changed && !acknowledges) return std::nullopt;
    return core::Store::ReportedChange{std::move(*next), desired_applied};
  };
  core::EventBus& events = events_;
  auto finish = [&events, id, name = std::move(name), patch_text = std::move(patch_text), changed,
                 done = std::move(done)](core::Result<core::DeviceState> stored) {
    if (stored && *changed) {
      // The same event as ApplyReported's, with the patch text serialised for the size check.
      core::Event e;
      e.type = "device.state.reported";
      e.device_id = id;
      e.data_json = fmt::format(R"({{"name":{},"version":{},"patch":{}}})",
                                json::serialize(json::string(name)), stored->reported_version,
                                patch_text);
      events.Publish(std::move(e));
    }
    done(std::move(stored));
  };
  store_.UpdateReportedState(id, std::move(change), std::move(finish));
}

}  // namespace custos::twin
