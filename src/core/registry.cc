#include "core/registry.h"

#include <fmt/format.h>

#include "core/detail/json_text.h"

namespace custos::core {
namespace {

using detail::JsonQuote;

// A concurrent writer may bump a device's version between our read and our write; an
// unconditional change (no expected version from the caller) is simply re-applied.
constexpr int kConflictRetries = 5;

std::string DeviceEventData(const Device& d) {
  return fmt::format(R"({{"name":{},"state":"{}","version":{}}})", JsonQuote(d.name),
                     ToString(d.state), d.version);
}

Result<void> RequireOperator(const Actor& actor) {
  return TokenService::Authorize(actor, Role::kOperator);
}

void ApplyPatch(Device& d, const DevicePatch& p, std::vector<std::string>& changed) {
  auto set = [&](const std::optional<std::string>& from, std::string& to, const char* name) {
    if (from && *from != to) {
      to = *from;
      changed.emplace_back(name);
    }
  };
  set(p.protocol, d.protocol, "protocol");
  set(p.manufacturer, d.identity.manufacturer, "manufacturer");
  set(p.model, d.identity.model, "model");
  set(p.serial, d.identity.serial, "serial");
  set(p.hardware_version, d.identity.hardware_version, "hardware_version");
  set(p.firmware_version, d.identity.firmware_version, "firmware_version");
  set(p.software_version, d.identity.software_version, "software_version");
  set(p.metadata_json, d.metadata_json, "metadata");
  Labels labels = p.labels ? *p.labels : d.labels;
  for (const auto& [k, v] : p.labels_set) labels[k] = v;
  for (const auto& k : p.labels_remove) labels.erase(k);
  if (labels != d.labels) {
    d.labels = std::move(labels);
    changed.emplace_back("labels");
  }
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += JsonQuote(items[i]);
  }
  return out + "]";
}

}  // namespace

Registry::Registry(Store& store, EventBus& events, Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

Result<void> Registry::Load() {
  DeviceQuery q;
  q.limit = 1000;
  for (;;) {
    auto page = store_.ListDevices(q);
    if (!page) return tl::unexpected(page.error());
    for (const auto& d : page->devices) fleet_.Put(d.id, d.state, d.connectivity);
    if (page->next_cursor.empty()) return {};
    q.after = page->next_cursor;
  }
}

AuditEntry Registry::Audit(const Actor& actor, std::string action, std::string target_type,
                           std::string target_id, std::string details_json) const {
  AuditEntry e;
  e.at = clock_.Now();
  e.actor = actor.name;
  e.actor_token_id = actor.token_id;
  e.action = std::move(action);
  e.target_type = std::move(target_type);
  e.target_id = std::move(target_id);
  e.details_json = std::move(details_json);
  return e;
}

void Registry::PublishDevice(const char* type, const Device& d, std::string data_json) {
  Event e;
  e.type = type;
  e.device_id = d.id;
  e.data_json = data_json == "{}" ? DeviceEventData(d) : std::move(data_json);
  events_.Publish(std::move(e));
}

Result<Device> Registry::CreateDevice(const Actor& actor, Device device) {
  if (auto ok = RequireOperator(actor); !ok) return tl::unexpected(ok.error());
  if (auto ok = ValidateNewDevice(device); !ok) return tl::unexpected(ok.error());
  if (device.state == LifecycleState::kRetired) {
    return MakeError(ErrorCode::kInvalidArgument, "state: a device cannot be created retired");
  }
  device.id = 0;
  device.created_at = device.updated_at = clock_.Now();
  AuditEntry audit = Audit(actor, "device.create", "device", "",
                           fmt::format(R"({{"name":{}}})", JsonQuote(device.name)));
  auto stored = store_.CreateDevice(std::move(device), std::move(audit));
  if (!stored) return stored;
  fleet_.Put(stored->id, stored->state, stored->connectivity);
  PublishDevice("device.created", *stored);
  return stored;
}

Result<std::vector<ImportRowResult>> Registry::ImportDevices(const Actor& actor,
                                                             std::vector<Device> rows,
                                                             std::size_t first_row,
                                                             ConflictPolicy policy) {
  if (auto ok = RequireOperator(actor); !ok) return tl::unexpected(ok.error());
  std::vector<ImportRowResult> results(rows.size());
  std::vector<Device> valid;
  std::vector<std::size_t> index_of_valid;
  valid.reserve(rows.size());
  const TimeMs now = clock_.Now();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    results[i].row = first_row + i;
    if (auto ok = ValidateNewDevice(rows[i]); !ok) {
      results[i].error = ok.error().message;
      results[i].code = ok.error().code;
      continue;
    }
    rows[i].id = 0;
    rows[i].created_at = rows[i].updated_at = now;
    if (rows[i].state == LifecycleState::kRetired) rows[i].state = LifecycleState::kProvisioned;
    index_of_valid.push_back(i);
    valid.push_back(std::move(rows[i]));
  }
  if (valid.empty()) return results;
  const std::size_t count = valid.size();
  std::vector<LifecycleState> states;
  states.reserve(count);
  for (const Device& d : valid) states.push_back(d.state);
  auto stored = store_.ImportDevices(
      std::move(valid), 0, policy,
      Audit(actor, "device.import", "device", "",
            fmt::format(R"({{"rows":{},"first_row":{}}})", count, first_row)));
  if (!stored) return tl::unexpected(stored.error());
  std::size_t accepted = 0;
  for (std::size_t k = 0; k < stored->size() && k < index_of_valid.size(); ++k) {
    ImportRowResult r = (*stored)[k];
    r.row = first_row + index_of_valid[k];
    if (r.accepted) ++accepted;
    // Fleet state for the new rows: in the state they were stored with, and offline.
    // (A device reported online between the store's commit and here stays online.)
    if (r.accepted && !r.updated) fleet_.PutIfAbsent(r.id, states[k], {});
    results[index_of_valid[k]] = std::move(r);
  }
  Event e;
  e.type = "device.imported";
  e.data_json = fmt::format(R"({{"rows":{},"accepted":{},"first_row":{}}})", results.size(),
                            accepted, first_row);
  events_.Publish(std::move(e));
  return results;
}

Result<Device> Registry::GetDevice(DeviceId id) { return store_.GetDevice(id); }

Result<Device> Registry::GetDeviceByName(std::string_view name) {
  return store_.GetDeviceByName(name);
}

Result<DevicePage> Registry::ListDevices(const ListDevicesRequest& request) {
  if (request.limit < 1 || request.limit > 1000) {
    return MakeError(ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000");
  }
  DeviceQuery q;
  q.limit = request.limit;
  q.after = request.cursor;
  std::string_view sort = request.sort.empty() ? "id" : std::string_view(request.sort);
  if (sort.front() == '-') {
    q.descending = true;
    sort.remove_prefix(1);
  }
  if (!IsSortableDeviceField(sort)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("sort: cannot sort by '{}'", sort));
  }
  q.sort = std::string(sort);

  std::optional<filter::Expr> expr;
  if (!request.filter.empty()) {
    auto parsed = filter::Parse(request.filter);
    if (!parsed) {
      Error e = parsed.error();
      e.message = "filter: " + e.message;
      return tl::unexpected(std::move(e));
    }
    expr = std::move(*parsed);
  }
  if (request.group) {
    auto group = store_.GetGroup(*request.group);
    if (!group) return tl::unexpected(group.error());
    if (group->kind == GroupKind::kStatic) {
      q.static_group = group->id;
    } else {
      auto group_expr = filter::Parse(group->filter);
      if (!group_expr) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("group {} has an unreadable filter: {}", group->id,
                                     group_expr.error().message));
      }
      if (expr) {
        filter::Expr both;
        both.kind = filter::Expr::Kind::kAnd;
        both.children.push_back(std::move(*group_expr));
        both.children.push_back(std::move(*expr));
        expr = std::move(both);
      } else {
        expr = std::move(*group_expr);
      }
    }
  }
  q.filter = expr ? &*expr : nullptr;
  return store_.ListDevices(q);
}

Result<std::int64_t> Registry::CountDevices(std::string_view text) {
  if (text.empty()) return store_.CountDevices(nullptr);
  auto parsed = filter::Parse(text);
  if (!parsed) {
    Error e = parsed.error();
    e.message = "filter: " + e.message;
    return tl::unexpected(std::move(e));
  }
  return store_.CountDevices(&*parsed);
}

Result<Device> Registry::UpdateDevice(const Actor& actor, DeviceId id, const DevicePatch& patch) {
  if (auto ok = RequireOperator(actor); !ok) return tl::unexpected(ok.error());
  for (int attempt = 0;; ++attempt) {
    auto current = store_.GetDevice(id);
    if (!current) return current;
    if (current->state == LifecycleState::kRetired) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("device {} is retired and cannot change", id));
    }
    if (patch.expected_version && *patch.expected_version != current->version) {
      return MakeError(ErrorCode::kConflict,
                       fmt::format("device {} is at version {}, not {}", id, current->version,
                                   *patch.expected_version));
    }
    Device next = *current;
    std::vector<std::string> changed;
    ApplyPatch(next, patch, changed);
    if (changed.empty()) return current;
    if (auto ok = ValidateNewDevice(next); !ok) return tl::unexpected(ok.error());
    auto stored = store_.UpdateDevice(
        next, Audit(actor, "device.update", "device", std::to_string(id),
                    fmt::format(R"({{"changed":{}}})", JsonList(changed))));
    if (!stored && stored.error().code == ErrorCode::kConflict && !patch.expected_version &&
        attempt < kConflictRetries) {
      continue;
    }
    if (!stored) return stored;
    PublishDevice("device.updated", *stored,
                  fmt::format(R"({{"name":{},"changed":{},"version":{}}})",
                              JsonQuote(stored->name), JsonList(changed), stored->version));
    return stored;
  }
}

Result<Device> Registry::Transition(const Actor& actor, DeviceId id, LifecycleState to,
                                    const char* action, const char* event_type,
                                    std::string reason) {
  if (auto ok = RequireOperator(actor); !ok) return tl::unexpected(ok.error());
  for (int attempt = 0;; ++attempt) {
    auto current = store_.GetDevice(id);
    if (!current) return current;
    LifecycleState target = to;
    // Enabling returns a device to active once it has been seen, else to provisioned.
    if (to == LifecycleState::kActive && current->connectivity.last_seen == 0 &&
        current->state == LifecycleState::kDisabled) {
      target = LifecycleState::kProvisioned;
    }
    const bool enabling = to == LifecycleState::kActive;
    if (!IsAllowedTransition(current->state, target) ||
        (enabling && current->state != LifecycleState::kDisabled)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("device {} is {}: cannot {}", id, ToString(current->state),
                                   std::string_view(action).substr(7)));
    }
    const LifecycleState from = current->state;
    Device next = *current;
    next.state = target;
    AuditEntry audit = Audit(actor, action, "device", std::to_string(id),
                             fmt::format(R"({{"from":"{}","to":"{}","reason":{}}})",
                                         ToString(from), ToString(target), JsonQuote(reason)));
    auto stored = target == LifecycleState::kRetired
                      ? store_.RetireDevice(std::move(next), std::move(audit))
                      : store_.UpdateDevice(std::move(next), std::move(audit));
    if (!stored && stored.error().code == ErrorCode::kConflict && attempt < kConflictRetries) {
      continue;
    }
    if (!stored) return stored;
    fleet_.SetState(id, stored->state);
    PublishDevice(event_type, *stored,
                  fmt::format(R"({{"name":{},"from":"{}","to":"{}","reason":{}}})",
                              JsonQuote(stored->name), ToString(from), ToString(stored->state),
                              JsonQuote(reason)));
    return stored;
  }
}

Result<Device> Registry::DisableDevice(const Actor& actor, DeviceId id, std::string reason) {
  return Transition(actor, id, LifecycleState::kDisabled, "device.disable", "device.disabled",
                    std::move(reason));
}

Result<Device> Registry::EnableDevice(const Actor& actor, DeviceId id, std::string reason) {
  return Transition(actor, id, LifecycleState::kActive, "device.enable", "device.enabled",
                    std::move(reason));
}

Result<Device> Registry::RetireDevice(const Actor& actor, DeviceId id, std::string reason) {
  return Transition(actor, id, LifecycleState::kRetired, "device.retire", "device.retired",
                    std::move(reason));
}

Result<void> Registry::DeleteDevice(const Actor& actor, DeviceId id) {
  if (auto ok = RequireOperator(actor); !ok) return ok;
  auto current = store_.GetDevice(id);
  if (!current) return tl::unexpected(current.error());
  auto done = store_.DeleteDevice(
      id, Audit(actor, "device.delete", "device", std::to_string(id),
                fmt::format(R"({{"name":{},"state":"{}"}})", JsonQuote(current->name),
                            ToString(current->state))));
  if (!done) return done;
  fleet_.Erase(id);
  PublishDevice("device.deleted", *current);
  return {};
}

void Registry::ReportConnectivity(DeviceId id, const Connectivity& c) {
  auto was_online = fleet_.UpdateConnectivity(id, c);
  if (!was_online) {
    // Stored, but not in the fleet state yet: reported between an import's commit and its
    // fleet update (an auto-provisioned device's retransmitted Register), which must not lose
    // this report.
    auto device = store_.GetDevice(id);
    if (!device) return;
    fleet_.Put(id, device->state, device->connectivity);
    was_online = fleet_.UpdateConnectivity(id, c);
    if (!was_online) return;
  }
  if (*was_online == c.online) return;
  Event e;
  e.type = c.online ? "device.online" : "device.offline";
  e.device_id = id;
  e.data_json = fmt::format(R"({{"address":{},"transport":{}}})", JsonQuote(c.address),
                            JsonQuote(c.transport));
  events_.Publish(std::move(e));
}

Result<void> Registry::FlushConnectivity() {
  auto dirty = fleet_.TakeDirtyConnectivity();
  if (dirty.empty()) return {};
  return store_.SaveConnectivity(dirty);
}

}  // namespace custos::core
