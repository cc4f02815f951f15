// The store: the core's repository interface. Implementations (SQLite now, PostgreSQL later)
// pass the same contract test suite (tests/unit/store/store_contract.h).
//
// Every mutating call is durable when it returns successfully: acknowledged means committed.
// Implementations batch concurrent writers into one transaction (group commit), so callers
// simply block. Every mutating call that takes an AuditEntry writes it in the same
// transaction as the change; the store fills the entry's id and, if 0, its time; when a
// create's entry has an empty target_id, the store sets it to the new row's id.
// All calls are safe from any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/campaign_record.h"
#include "core/credential.h"
#include "core/device.h"
#include "core/device_state.h"
#include "core/error.h"
#include "core/filter.h"
#include "core/firmware.h"
#include "core/group.h"
#include "core/operation.h"
#include "core/lwm2m_observation.h"
#include "core/lwm2m_registration.h"
#include "core/maintenance_window.h"
#include "core/token.h"

namespace custos::core {

// Sortable device fields for listing: "id", "name", "created_at", "updated_at", "last_seen",
// "manufacturer", "model", "firmware_version" (version order), "state".
bool IsSortableDeviceField(std::string_view field);

struct DeviceQuery {
  const filter::Expr* filter = nullptr;  // null: every device
  std::optional<GroupId> static_group;   // only members of this static group
  std::string sort = "id";
  bool descending = false;
  std::string after;      // opaque cursor from a previous page's next_cursor; "" for the first
  std::size_t limit = 100;  // 1..1000
};

struct DevicePage {
  std::vector<Device> devices;
  std::string next_cursor;  // "" when this is the last page
};

enum class ConflictPolicy { kFail, kSkip, kUpdate };

struct ImportRowResult {
  std::size_t row = 0;          // caller's row number
  bool accepted = false;
  bool updated = false;         // an existing device was updated (ConflictPolicy::kUpdate)
  DeviceId id = 0;
  std::string error;            // why it was rejected
  ErrorCode code = ErrorCode::kInvalidArgument;
};

struct StoreStats {
  std::uint64_t write_batches = 0;        // committed transactions of the writer
  std::uint64_t write_ops = 0;            // writes carried by those batches
  std::uint64_t write_failures = 0;
  std::uint64_t db_size_bytes = 0;
};

// One transition for Store::UpdateOperations.
struct OperationUpdate {
  Operation operation;
  OperationState expected_state = OperationState::kPending;
  std::optional<AuditEntry> audit;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- devices
  // Assigns id, created_at/updated_at (from the clock if 0) and version 1.
  // kAlreadyExists when the name is taken.
  virtual Result<Device> CreateDevice(Device device, AuditEntry audit) = 0;
  // Inserts many devices in ONE transaction (all or nothing at the transaction level, but each
  // row's outcome is reported: a duplicate name is rejected or skipped or updated by policy
  // without failing the others). The audit entry describes the whole batch.
  // `rows[i]` is reported as row `first_row + i`.
  virtual Result<std::vector<ImportRowResult>> ImportDevices(std::vector<Device> rows,
                                                             std::size_t first_row,
                                                             ConflictPolicy policy,
                                                             AuditEntry audit) = 0;
  virtual Result<Device> GetDevice(DeviceId id) = 0;
  // The device as GetDevice would answer it, if the store holds it in memory: never blocks
  // (no I/O, no wait for a writer), so an I/O thread may call it. nullopt means "ask
  // GetDevice", not "absent". The default holds nothing.
  virtual std::optional<Device> CachedDevice(DeviceId) { return std::nullopt; }
  // GetDevice's answer when it can be had without waiting: from memory, or read at once if the
  // store has an idle read connection (a point read that waits for no writer, reader or lock),
  // so an I/O thread may call it. nullopt means "ask GetDevice". The default is CachedDevice.
  virtual std::optional<Result<Device>> TryGetDevice(DeviceId id) {
    if (auto cached = CachedDevice(id)) return Result<Device>(std::move(*cached));
    return std::nullopt;
  }
  virtual Result<Device> GetDeviceByName(std::string_view name) = 0;
  virtual Result<DevicePage> ListDevices(const DeviceQuery& query) = 0;
  virtual Result<std::int64_t> CountDevices(const filter::Expr* filter) = 0;
  virtual Result<std::map<LifecycleState, std::int64_t>> CountDevicesByState() = 0;
  // Replaces every stored field of the device with `device` (id and created_at kept), if the
  // stored version equals `device.version`; otherwise kConflict. Bumps version, sets
  // updated_at. kNotFound if absent.
  virtual Result<Device> UpdateDevice(Device device, AuditEntry audit) = 0;
  // Removes the device, its credentials and group memberships. kNotFound if absent.
  virtual Result<void> DeleteDevice(DeviceId id, AuditEntry audit) = 0;
  // Batched write-behind of connectivity (hot state): last value per device wins. Unknown ids
  // are ignored. Not audited.
  virtual Result<void> SaveConnectivity(
      const std::vector<std::pair<DeviceId, Connectivity>>& updates) = 0;

  // ---- device state (core/device_state.h)
  // The desired and reported documents of the device: "{}" at version 0 for a document never
  // written. kNotFound for an unknown device.
  virtual Result<DeviceState> GetDeviceState(DeviceId device) = 0;
  // Replaces the desired document with `json` (a JSON object's text, checked by the caller)
  // if its version is `expected_version` (kConflict otherwise); the version goes up by one
  // and the time is stamped. Audited. Returns the whole new state.
  virtual Result<DeviceState> SaveDesiredState(DeviceId device, std::string json,
                                               std::int64_t expected_version,
                                               AuditEntry audit) = 0;
  // The same for the reported document, whose version goes up only when `json` differs from
  // the stored text; `desired_acknowledged`, if set, is recorded whether or not the document
  // changed. Not audited: devices report often.
  virtual Result<DeviceState> SaveReportedState(
      DeviceId device, std::string json, std::int64_t expected_version,
      std::optional<std::int64_t> desired_acknowledged) = 0;
  // A change of the reported document worked out from the stored state (UpdateReportedState).
  struct ReportedChange {
    std::string json;  // the new reported document
    std::optional<std::int64_t> desired_acknowledged;
  };
  using ReportedChangeFn =
      std::function<Result<std::optional<ReportedChange>>(const DeviceState& stored)>;
  using StateCompletion = std::function<void(Result<DeviceState>)>;
  // SaveReportedState for callers that must not hold a thread while a commit is awaited (a
  // protocol adapter acknowledging a device's message): returns at once and calls `done` once,
  // after the transaction carrying the change committed, with the state stored (or the error;
  // then nothing was stored). `change` runs inside that transaction on the state left by every
  // write queued before this call, so calls made one after another are applied, and answered,
  // in that order; it returns the change to store, nullopt to store nothing (`done` then gets
  // the state as it is), or an error that fails this call alone. kNotFound for an unknown
  // device. `done` may run on the caller's thread before this returns, or on the store's writer
  // thread: it must be quick and must not call the store (hand such work to another thread).
  // The default implementation is synchronous: read, change, SaveReportedState, retried on a
  // version conflict.
  virtual void UpdateReportedState(DeviceId device, ReportedChangeFn change,
                                   StateCompletion done);

  // ---- telemetry and device logs (core/device_state.h); not audited
  // Replaces the device's latest telemetry with `json` (a JSON object's text), stamped `at`
  // (the clock if 0). kNotFound for an unknown device.
  virtual Result<void> SaveTelemetry(DeviceId device, std::string json, TimeMs at) = 0;
  // The latest telemetry: "{}" with updated_at 0 when none was saved. kNotFound for an
  // unknown device.
  virtual Result<Telemetry> GetTelemetry(DeviceId device) = 0;
  // Appends log lines (a line's `at` 0 means now) and keeps only the newest `keep` lines of
  // the device. kNotFound for an unknown device.
  virtual Result<void> AppendDeviceLogs(DeviceId device, std::vector<DeviceLogLine> lines,
                                        std::size_t keep) = 0;
  // The newest `limit` lines of the device, oldest first. kNotFound for an unknown device.
  virtual Result<std::vector<DeviceLogLine>> ListDeviceLogs(DeviceId device,
                                                            std::size_t limit) = 0;

  // ---- credentials
  virtual Result<Credential> AddCredential(Credential credential, AuditEntry audit) = 0;
  virtual Result<std::vector<Credential>> ListCredentials(DeviceId device) = 0;
  // Active (not revoked) credential by kind and identity; kNotFound otherwise.
  virtual Result<Credential> FindCredential(std::string_view kind, std::string_view identity) = 0;
  virtual Result<void> RevokeCredential(CredentialId id, AuditEntry audit) = 0;
  // Sets the device retired and revokes all its credentials atomically (version check as
  // UpdateDevice).
  virtual Result<Device> RetireDevice(Device device, AuditEntry audit) = 0;

  // ---- groups
  virtual Result<Group> CreateGroup(Group group, AuditEntry audit) = 0;  // kAlreadyExists
  virtual Result<Group> GetGroup(GroupId id) = 0;
  virtual Result<Group> GetGroupByName(std::string_view name) = 0;
  virtual Result<std::vector<Group>> ListGroups() = 0;
  virtual Result<Group> UpdateGroup(Group group, AuditEntry audit) = 0;  // version-checked
  virtual Result<void> DeleteGroup(GroupId id, AuditEntry audit) = 0;
  // Adds/removes members of a static group; unknown device ids -> kNotFound naming the first.
  // Adding an existing member is a no-op.
  virtual Result<void> AddGroupMembers(GroupId group, const std::vector<DeviceId>& devices,
                                       AuditEntry audit) = 0;
  virtual Result<void> RemoveGroupMembers(GroupId group, const std::vector<DeviceId>& devices,
                                          AuditEntry audit) = 0;
  virtual Result<std::vector<GroupId>> GroupsOfDevice(DeviceId device) = 0;  // static only

  // ---- operator tokens
  virtual Result<OperatorToken> CreateToken(OperatorToken token, AuditEntry audit) = 0;
  virtual Result<OperatorToken> FindTokenByHash(std::string_view secret_hash) = 0;
  virtual Result<OperatorToken> GetToken(TokenId id) = 0;
  virtual Result<std::vector<OperatorToken>> ListTokens() = 0;
  virtual Result<void> RevokeToken(TokenId id, TimeMs at, AuditEntry audit) = 0;
  // Batched, not audited.
  virtual Result<void> TouchToken(TokenId id, TimeMs at) = 0;
  virtual Result<std::int64_t> CountActiveTokens() = 0;

  // ---- LwM2M registrations (core/lwm2m_registration.h); not audited
  // Applies `changes` in order, in ONE transaction: a put replaces any stored registration
  // with the same id, endpoint or device; a removal deletes the registration with that id
  // (none: nothing happens). A put for a device that does not exist is skipped. A device's
  // registration goes with the device.
  virtual Result<void> SaveLwm2mRegistrations(
      const std::vector<Lwm2mRegistrationChange>& changes) = 0;
  // Up to `limit` stored registrations in endpoint order, starting after endpoint `after`
  // ("" for the first page).
  virtual Result<std::vector<Lwm2mRegistrationRecord>> ListLwm2mRegistrations(
      std::string_view after, std::size_t limit) = 0;

  // ---- LwM2M observations (core/lwm2m_observation.h); not audited
  // Applies `changes` in order, in ONE transaction: a put replaces any stored observation with
  // the same id; a removal deletes the observation with that id (none: nothing happens). A put
  // for a device that does not exist is skipped. A device's observations go with the device,
  // and with the removal of its LwM2M registration (SaveLwm2mRegistrations).
  virtual Result<void> SaveLwm2mObservations(
      const std::vector<Lwm2mObservationChange>& changes) = 0;
  // Up to `limit` stored observations by id, starting after id `after` (0 for the first page).
  virtual Result<std::vector<Lwm2mObservationRecord>> ListLwm2mObservations(
      std::int64_t after, std::size_t limit) = 0;
  // The largest id ever put, even when removed since (0 if none), so that observations made
  // after a restart are numbered above every id a client may have seen.
  virtual Result<std::int64_t> LastLwm2mObservationId() = 0;

  // ---- operations (core/operation.h)
  // Assigns id and created_at/updated_at (the clock if 0). kNotFound for an unknown device.
  virtual Result<Operation> CreateOperation(Operation operation, AuditEntry audit) = 0;
  virtual Result<Operation> GetOperation(std::int64_t id) = 0;  // kNotFound if absent
  // A transition: stores state, waiting_for, attempts, deadline, schedule_at,
  // next_attempt_at and result_json of `operation` if the stored state is `expected_state`
  // (kConflict otherwise, kNotFound if absent), and sets updated_at (the clock). With an
  // audit entry, it is written in the same transaction. Returns the stored operation.
  virtual Result<Operation> UpdateOperation(Operation operation, OperationState expected_state,
                                            std::optional<AuditEntry> audit) = 0;
  // Several transitions in one transaction, in order, each as UpdateOperation does it: one
  // that fails (kConflict, kNotFound, ...) changes nothing and does not undo the others.
  // Answers each in the order given; every one fails with the error when the transaction does.
  virtual std::vector<Result<Operation>> UpdateOperations(std::vector<OperationUpdate> updates) = 0;
  // A page of operations by id; kInvalidArgument for a bad cursor or limit.
  virtual Result<OperationPage> ListOperations(const OperationQuery& query) = 0;
  // Every operation that is not final, by id (for the engine's start).
  virtual Result<std::vector<Operation>> ListUnfinishedOperations() = 0;

  // ---- firmware images (core/firmware.h)
  // Assigns id and created_at (the clock if 0). kAlreadyExists when an image with the same
  // sha256 is stored (its id in the message). Audited.
  virtual Result<FirmwareImage> CreateFirmware(FirmwareImage image, AuditEntry audit) = 0;
  virtual Result<FirmwareImage> GetFirmware(FirmwareId id) = 0;  // kNotFound if absent
  // Up to `limit` (1..1000) images by id, starting after id `after` (0 for the first page).
  virtual Result<std::vector<FirmwareImage>> ListFirmware(FirmwareId after,
                                                          std::size_t limit) = 0;
  // Removes the image's row (not its file). kNotFound if absent. Audited.
  virtual Result<void> DeleteFirmware(FirmwareId id, AuditEntry audit) = 0;

  // ---- staged campaigns (core/campaign_record.h). Not pure: a store without them answers
  // kUnavailable ("campaigns are not supported by this store").
  // Assigns id and times (the clock if 0) and stores the members with it, in one
  // transaction. Audited.
  virtual Result<CampaignRecord> CreateCampaign(CampaignRecord campaign,
                                                std::vector<CampaignMember> members,
                                                AuditEntry audit);
  virtual Result<CampaignRecord> GetCampaign(std::int64_t id);  // kNotFound if absent
  // Up to `limit` (1..1000) campaigns by id, after id `after` (0 for the first page).
  virtual Result<std::vector<CampaignRecord>> ListCampaigns(std::int64_t after,
                                                            std::size_t limit);
  // Stores name, spec_json and state (kNotFound if absent), appends `timeline` and writes the
  // audit entry, if any, in one transaction; sets updated_at.
  virtual Result<CampaignRecord> UpdateCampaign(CampaignRecord campaign,
                                                std::vector<CampaignEvent> timeline,
                                                std::optional<AuditEntry> audit);
  // The campaign's timeline, oldest first.
  virtual Result<std::vector<CampaignEvent>> ListCampaignTimeline(std::int64_t id);
  // Inserts or replaces members (by campaign and device) in one transaction; members of a
  // device that does not exist are skipped.
  virtual Result<void> SaveCampaignMembers(std::vector<CampaignMember> members);
  // Up to `limit` (1..1000) members of the campaign by device id, after device `after`.
  virtual Result<std::vector<CampaignMember>> ListCampaignMembers(std::int64_t campaign,
                                                                  DeviceId after,
                                                                  std::size_t limit);

  // ---- maintenance windows (core/maintenance_window.h) and bulk operations. Not pure: a
  // store without them answers kUnavailable.
  // Assigns id, times (the clock if 0) and version 1. kAlreadyExists when the name is taken.
  // Audited.
  virtual Result<MaintenanceWindow> CreateMaintenanceWindow(MaintenanceWindow window,
                                                            AuditEntry audit);
  virtual Result<MaintenanceWindow> GetMaintenanceWindow(MaintenanceWindowId id);  // kNotFound
  virtual Result<std::vector<MaintenanceWindow>> ListMaintenanceWindows();  // by id
  // Replaces name, description, cron, duration_s and time_zone if the stored version equals
  // `window.version` (kConflict otherwise); bumps version. kNotFound if absent. Audited.
  virtual Result<MaintenanceWindow> UpdateMaintenanceWindow(MaintenanceWindow window,
                                                            AuditEntry audit);
  // kConflict while the window is attached to a group; kNotFound if absent. Audited.
  virtual Result<void> DeleteMaintenanceWindow(MaintenanceWindowId id, AuditEntry audit);
  // Attaching a window twice is a no-op; kNotFound for an unknown group or window. A group's
  // attachments go with the group. Audited.
  virtual Result<void> AttachMaintenanceWindow(GroupId group, MaintenanceWindowId window,
                                               AuditEntry audit);
  // kNotFound when the window is not attached to the group. Audited.
  virtual Result<void> DetachMaintenanceWindow(GroupId group, MaintenanceWindowId window,
                                               AuditEntry audit);
  // Every attachment, by group then window.
  virtual Result<std::vector<WindowAttachment>> ListWindowAttachments();
  // Creates many operations in ONE transaction (ids and times as CreateOperation); those of
  // devices that do not exist are skipped and not returned. One audit entry describes them all.
  virtual Result<std::vector<Operation>> CreateOperations(std::vector<Operation> operations,
                                                          AuditEntry audit);

  // ---- audit
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;  // newest first

  virtual StoreStats Stats() = 0;
  // Stops accepting writes, commits what was acknowledged-pending, closes. Idempotent.
  virtual void Close() = 0;
};

}  // namespace custos::core
