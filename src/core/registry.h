// The device registry: the rules of devices, groups and credentials. Every change is
// validated here, stored with its audit entry, reflected in the fleet state and published as
// an event, in that order. The REST API, the CLI (through it) and protocol adapters all come
// through this class.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/credential.h"
#include "core/device.h"
#include "core/event.h"
#include "core/fleet_state.h"
#include "core/group.h"
#include "core/store.h"
#include "core/token.h"

namespace custos::core {

// A partial update. Unset members are left alone. `labels_set` adds or replaces labels,
// `labels_remove` deletes them, `labels` (if set) replaces all labels first.
struct DevicePatch {
  std::optional<std::string> protocol;
  std::optional<std::string> manufacturer, model, serial;
  std::optional<std::string> hardware_version, firmware_version, software_version;
  std::optional<Labels> labels;
  Labels labels_set;
  std::vector<std::string> labels_remove;
  std::optional<std::string> metadata_json;  // must be a JSON object's text (checked by caller)
  std::optional<std::int64_t> expected_version;  // kConflict if the stored version differs
};

// What a device says about itself through a protocol adapter: its identity and health (and its
// protocol, taken only while the device has none). Unset members are left alone.
struct DeviceReport {
  std::optional<std::string> protocol;
  std::optional<std::string> manufacturer, model, serial;
  std::optional<std::string> hardware_version, firmware_version, software_version;
  std::optional<int> battery_level;  // percent, 0..100
  std::optional<std::string> power_source;
  std::optional<int> signal_strength;  // dBm
  std::optional<std::int64_t> free_memory;  // KiB, >= 0
  std::optional<std::vector<int>> error_codes;

  bool empty() const;
};

struct ListDevicesRequest {
  std::string filter;   // filter-language text; "" for all
  std::string sort = "id";  // field, or "-field" for descending
  std::string cursor;
  std::size_t limit = 100;
  std::optional<GroupId> group;  // members of this group (static or dynamic) only
};

struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> filter;  // dynamic groups only
  std::optional<Labels> labels;
  std::optional<std::int64_t> expected_version;
};

struct NewCredential {
  Credential credential;  // kind, identity, and secret (the plaintext secret or PSK hex;
                          // empty: the registry generates one)
  std::string plaintext;  // the secret to show once: generated or as given
};

class Registry {
 public:
  Registry(Store& store, EventBus& events, Clock& clock);

  // Loads the fleet state from the store. Call once before serving.
  Result<void> Load();

  Result<Device> CreateDevice(const Actor& actor, Device device);
  // Validates each row, then stores the valid ones in one transaction. The results come in
  // the order of `rows`, one per row, numbered from `first_row`; invalid rows come back
  // rejected with their reason. One device.imported event describes the batch.
  Result<std::vector<ImportRowResult>> ImportDevices(const Actor& actor, std::vector<Device> rows,
                                                     std::size_t first_row, ConflictPolicy policy);
  Result<Device> GetDevice(DeviceId id);
  Result<Device> GetDeviceByName(std::string_view name);
  Result<DevicePage> ListDevices(const ListDevicesRequest& request);
  Result<std::int64_t> CountDevices(std::string_view filter);
  Result<Device> UpdateDevice(const Actor& actor, DeviceId id, const DevicePatch& patch);
  // Lifecycle. kFailedPrecondition for a transition the lifecycle forbids (e.g. anything on a
  // retired device). Disabling or retiring an already disabled/retired device is refused too.
  Result<Device> DisableDevice(const Actor& actor, DeviceId id, std::string reason);
  Result<Device> EnableDevice(const Actor& actor, DeviceId id, std::string reason);
  // Final: the device is kept for audit, every credential is revoked.
  Result<Device> RetireDevice(const Actor& actor, DeviceId id, std::string reason);
  Result<void> DeleteDevice(const Actor& actor, DeviceId id);

  // Credentials. Refused (kFailedPrecondition) on a retired device.
  Result<NewCredential> AddCredential(const Actor& actor, DeviceId id, Credential credential);
  Result<std::vector<Credential>> ListCredentials(DeviceId id);
  Result<void> RevokeCredential(const Actor& actor, DeviceId id, CredentialId credential);

  // Groups.
  Result<Group> CreateGroup(const Actor& actor, Group group);
  Result<Group> GetGroup(GroupId id);
  Result<std::vector<Group>> ListGroups();
  Result<Group> UpdateGroup(const Actor& actor, GroupId id, const GroupPatch& patch);
  Result<void> DeleteGroup(const Actor& actor, GroupId id);
  // Static groups only (kFailedPrecondition on a dynamic group).
  Result<void> AddGroupMembers(const Actor& actor, GroupId id, const std::vector<DeviceId>& ids);
  Result<void> RemoveGroupMembers(const Actor& actor, GroupId id,
                                  const std::vector<DeviceId>& ids);

  // What a device reported about itself (see DeviceReport): the fields that differ are stored,
  // audited with the device as the actor ("device:NAME"), and published as device.updated;
  // when nothing differs nothing is written. kInvalidArgument for a value out of range or too
  // long, kFailedPrecondition on a retired device, kNotFound for an unknown one.
  Result<Device> ReportDevice(DeviceId id, const DeviceReport& report);

  // Connectivity reported by a protocol adapter: kept in memory, written back in batches,
  // published as device.online / device.offline when the online flag flips.
  void ReportConnectivity(DeviceId id, const Connectivity& c);
  // Writes queued connectivity changes to the store; called periodically and at shutdown.
  Result<void> FlushConnectivity();

  const FleetState& fleet() const { return fleet_; }

 private:
  Result<Device> Transition(const Actor& actor, DeviceId id, LifecycleState to,
                            const char* action, const char* event_type, std::string reason);
  AuditEntry Audit(const Actor& actor, std::string action, std::string target_type,
                   std::string target_id, std::string details_json) const;
  void PublishDevice(const char* type, const Device& d, std::string data_json = "{}");

  Store& store_;
  EventBus& events_;
  Clock& clock_;
  FleetState fleet_;
};

// Operator tokens and authorisation.
class TokenService {
 public:
  TokenService(Store& store, Clock& clock);

  // The actor behind a bearer secret; kUnauthenticated if unknown, revoked or expired.
  Result<Actor> Authenticate(std::string_view secret);
  // Authenticate's answer when it needs no store access (the token is known in memory and
  // its last_used_at is not due); nullopt otherwise. Never blocks on the store.
  std::optional<Result<Actor>> AuthenticateFromMemory(std::string_view secret);
  // kPermissionDenied unless actor's role is at least `required`.
  static Result<void> Authorize(const Actor& actor, Role required);

  struct Created {
    OperatorToken token;
    std::string secret;  // shown once
  };
  Result<Created> Create(const Actor& actor, std::string name, Role role,
                         std::optional<TimeMs> expires_at);
  Result<std::vector<OperatorToken>> List();
  Result<OperatorToken> Get(TokenId id);
  Result<void> Revoke(const Actor& actor, TokenId id);

  // On start: when no active admin token exists, creates one named "admin" (with
  // `admin_secret` if given, which must be at least 16 characters) and returns its secret.
  // With an admin secret given and a token already matching it, returns nullopt.
  Result<std::optional<std::string>> Bootstrap(std::optional<std::string> admin_secret);

 private:
  Store& store_;
  Clock& clock_;
  std::mutex touch_mu_;
  std::unordered_map<TokenId, TimeMs> last_touch_;
  // Known tokens by secret hash, so that a request costs no store read to authenticate.
  // Only this service revokes tokens, and it drops the entry when it does; unknown secrets
  // are never cached, so guessing cannot grow it.
  std::mutex cache_mu_;
  std::unordered_map<std::string, OperatorToken> cache_;
  // Bumped by every revocation: a store read that began before it is not cached.
  std::uint64_t cache_generation_ = 0;
};

}  // namespace custos::core
