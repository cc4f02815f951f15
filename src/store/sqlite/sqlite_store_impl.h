// The SQLite implementation of core::Store. Private to the SQLite store: its methods are spread
// over one file per area (devices_*.cc, credentials.cc, groups.cc, tokens.cc, audit_log.cc).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include "core/clock.h"
#include "core/store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/device_cache.h"
#include "store/sqlite/read_pool.h"
#include "store/sqlite/writer.h"

namespace custos::store::sqlite {

class SqliteStore final : public core::Store {
 public:
  // `devices` must be attached to the writer's connection (DeviceCache::Attach).
  SqliteStore(std::filesystem::path path, core::Clock& clock, std::unique_ptr<Writer> writer,
              std::unique_ptr<ReadPool> readers, std::unique_ptr<DeviceCache> devices);
  ~SqliteStore() override;

  using Error = core::Error;
  template <class T>
  using Result = core::Result<T>;

  Result<core::Device> CreateDevice(core::Device device, core::AuditEntry audit) override;
  Result<std::vector<core::ImportRowResult>> ImportDevices(std::vector<core::Device> rows,
                                                           std::size_t first_row,
                                                           core::ConflictPolicy policy,
                                                           core::AuditEntry audit) override;
  Result<core::Device> GetDevice(core::DeviceId id) override;
  std::optional<core::Device> CachedDevice(core::DeviceId id) override;
  std::optional<Result<core::Device>> TryGetDevice(core::DeviceId id) override;
  Result<core::Device> GetDeviceByName(std::string_view name) override;
  Result<core::DevicePage> ListDevices(const core::DeviceQuery& query) override;
  Result<std::int64_t> CountDevices(const core::filter::Expr* filter) override;
  Result<std::map<core::LifecycleState, std::int64_t>> CountDevicesByState() override;
  Result<core::Device> UpdateDevice(core::Device device, core::AuditEntry audit) override;
  Result<void> DeleteDevice(core::DeviceId id, core::AuditEntry audit) override;
  Result<void> SaveConnectivity(
      const std::vector<std::pair<core::DeviceId, core::Connectivity>>& updates) override;

  Result<core::DeviceState> GetDeviceState(core::DeviceId device) override;
  Result<core::DeviceState> SaveDesiredState(core::DeviceId device, std::string json,
                                             std::int64_t expected_version,
                                             core::AuditEntry audit) override;
  Result<core::DeviceState> SaveReportedState(
      core::DeviceId device, std::string json, std::int64_t expected_version,
      std::optional<std::int64_t> desired_acknowledged) override;
  void UpdateReportedState(core::DeviceId device, ReportedChangeFn change,
                           StateCompletion done) override;

  Result<void> SaveTelemetry(core::DeviceId device, std::string json, core::TimeMs at) override;
  Result<core::Telemetry> GetTelemetry(core::DeviceId device) override;
  Result<void> AppendDeviceLogs(core::DeviceId device, std::vector<core::DeviceLogLine> lines,
                                std::size_t keep) override;
  Result<std::vector<core::DeviceLogLine>> ListDeviceLogs(core::DeviceId device,
                                                          std::size_t limit) override;

  Result<core::Credential> AddCredential(core::Credential credential,
                                         core::AuditEntry audit) override;
  Result<std::vector<core::Credential>> ListCredentials(core::DeviceId device) override;
  Result<core::Credential> FindCredential(std::string_view kind,
                                          std::string_view identity) override;
  Result<void> RevokeCredential(core::CredentialId id, core::AuditEntry audit) override;
  Result<core::Device> RetireDevice(core::Device device, core::AuditEntry audit) override;

  Result<core::Group> CreateGroup(core::Group group, core::AuditEntry audit) override;
  Result<core::Group> GetGroup(core::GroupId id) override;
  Result<core::Group> GetGroupByName(std::string_view name) override;
  Result<std::vector<core::Group>> ListGroups() override;
  Result<core::Group> UpdateGroup(core::Group group, core::AuditEntry audit) override;
  Result<void> DeleteGroup(core::GroupId id, core::AuditEntry audit) override;
  Result<void> AddGroupMembers(core::GroupId group, const std::vector<core::DeviceId>& devices,
                               core::AuditEntry audit) override;
  Result<void> RemoveGroupMembers(core::GroupId group, const std::vector<core::DeviceId>& devices,
                                  core::AuditEntry audit) override;
  Result<std::vector<core::GroupId>> GroupsOfDevice(core::DeviceId device) override;

  Result<core::OperatorToken> CreateToken(core::OperatorToken token,
                                          core::AuditEntry audit) override;
  Result<core::OperatorToken> FindTokenByHash(std::string_view secret_hash) override;
  Result<core::OperatorToken> GetToken(core::TokenId id) override;
  Result<std::vector<core::OperatorToken>> ListTokens() override;
  Result<void> RevokeToken(core::TokenId id, core::TimeMs at, core::AuditEntry audit) override;
  Result<void> TouchToken(core::TokenId id, core::TimeMs at) override;
  Result<std::int64_t> CountActiveTokens() override;

  Result<void> SaveLwm2mRegistrations(
      const std::vector<core::Lwm2mRegistrationChange>& changes) override;
  Result<std::vector<core::Lwm2mRegistrationRecord>> ListLwm2mRegistrations(
      std::string_view after, std::size_t limit) override;
  Result<void> SaveLwm2mObservations(
      const std::vector<core::Lwm2mObservationChange>& changes) override;
  Result<std::vector<core::Lwm2mObservationRecord>> ListLwm2mObservations(
      std::int64_t after, std::size_t limit) override;
  Result<std::int64_t> LastLwm2mObservationId() override;

  Result<core::Operation> CreateOperation(core::Operation operation,
                                          core::AuditEntry audit) override;
  Result<core::Operation> GetOperation(std::int64_t id) override;
  Result<core::Operation> UpdateOperation(core::Operation operation,
                                          core::OperationState expected_state,
                                          std::optional<core::AuditEntry> audit) override;
  std::vector<Result<core::Operation>> UpdateOperations(
      std::vector<core::OperationUpdate> updates) override;
  Result<core::OperationPage> ListOperations(const core::OperationQuery& query) override;
  Result<std::vector<core::Operation>> ListUnfinishedOperations() override;

  Result<core::FirmwareImage> CreateFirmware(core::FirmwareImage image,
                                             core::AuditEntry audit) override;
  Result<core::FirmwareImage> GetFirmware(core::FirmwareId id) override;
  Result<std::vector<core::FirmwareImage>> ListFirmware(core::FirmwareId after,
                                                        std::size_t limit) override;
  Result<void> DeleteFirmware(core::FirmwareId id, core::AuditEntry audit) override;

  Result<core::CampaignRecord> CreateCampaign(core::CampaignRecord campaign,
                                              std::vector<core::CampaignMember> members,
                                              core::AuditEntry audit) override;
  Result<core::CampaignRecord> GetCampaign(std::int64_t id) override;
  Result<std::vector<core::CampaignRecord>> ListCampaigns(std::int64_t after,
                                                          std::size_t limit) override;
  Result<core::CampaignRecord> UpdateCampaign(core::CampaignRecord campaign,
                                              std::vector<core::CampaignEvent> timeline,
                                              std::optional<core::AuditEntry> audit) override;
  Result<std::vector<core::CampaignEvent>> ListCampaignTimeline(std::int64_t id) override;
  Result<void> SaveCampaignMembers(std::vector<core::CampaignMember> members) override;
  Result<std::vector<core::CampaignMember>> ListCampaignMembers(std::int64_t campaign,
                                                                core::DeviceId after,
                                                                std::size_t limit) override;

  Result<core::MaintenanceWindow> CreateMaintenanceWindow(core::MaintenanceWindow window,
                                                          core::AuditEntry audit) override;
  Result<core::MaintenanceWindow> GetMaintenanceWindow(core::MaintenanceWindowId id) override;
  Result<std::vector<core::MaintenanceWindow>> ListMaintenanceWindows() override;
  Result<core::MaintenanceWindow> UpdateMaintenanceWindow(core::MaintenanceWindow window,
                                                          core::AuditEntry audit) override;
  Result<void> DeleteMaintenanceWindow(core::MaintenanceWindowId id,
                                       core::AuditEntry audit) override;
  Result<void> AttachMaintenanceWindow(core::GroupId group, core::MaintenanceWindowId window,
                                       core::AuditEntry audit) override;
  Result<void> DetachMaintenanceWindow(core::GroupId group, core::MaintenanceWindowId window,
                                       core::AuditEntry audit) override;
  Result<std::vector<core::WindowAttachment>> ListWindowAttachments() override;
  Result<std::vector<core::Operation>> CreateOperations(std::vector<core::Operation> operations,
                                                        core::AuditEntry audit) override;

  Result<std::vector<core::AuditEntry>> ListAudit(const core::AuditQuery& query) override;

  core::StoreStats Stats() override;
  void Close() override;

 private:
  // Runs `body(connection)` on a pooled read connection inside one read transaction, so that
  // every statement of the body sees the same snapshot.
  template <class F>
  auto Read(F&& body) -> decltype(body(std::declval<Connection&>())) {
    auto lease = readers_->Acquire();
    if (!lease) return tl::unexpected(lease.error());
    Connection& db = **lease;
    if (auto r = db.ExecCached("BEGIN"); !r) return tl::unexpected(r.error());
    auto result = body(db);
    (void)db.ExecCached("COMMIT");
    return result;
  }

  // Runs `work` in the writer's next group-committed transaction (see writer.h).
  Result<void> Write(Writer::Work work) { return writer_->Run(std::move(work)); }

  Result<core::Device> ReplaceDevice(core::Device device, core::AuditEntry audit, bool retire);
  Result<void> ChangeMembers(core::GroupId group, const std::vector<core::DeviceId>& devices,
                             core::AuditEntry audit, bool add);

  const std::filesystem::path path_;
  core::Clock& clock_;
  // Declared before the writer: its hooks run until the writer's connection is closed.
  std::unique_ptr<DeviceCache> devices_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReadPool> readers_;
  std::mutex close_mu_;
};

// Shared by the area files.
tl::unexpected<core::Error> NotFound(std::string_view what, std::int64_t id);
// Fills the entry's time (if 0) and inserts it; sets entry.id.
core::Result<void> InsertAudit(Connection& db, core::AuditEntry& entry, core::TimeMs now);
// Whether a device row exists.
core::Result<bool> DeviceExists(Connection& db, core::DeviceId id);

}  // namespace custos::store::sqlite
