// The route table: every (method, path) of docs/api.md with its minimum role.
#include "api/handlers.h"

namespace custos::api {

namespace {

using core::Role;
namespace h = handlers;

std::vector<Route> BuildTable() {
  const std::optional<Role> kPublic;
  const std::optional<Role> kViewer = Role::kViewer;
  const std::optional<Role> kOperator = Role::kOperator;
  const std::optional<Role> kAdmin = Role::kAdmin;
  const auto plain = RouteKind::kPlain;
  return {
      {"GET", "/healthz", kPublic, plain, &h::Healthz},
      {"GET", "/metrics", kPublic, plain, &h::Metrics},
      {"GET", "/api/v1/openapi.json", kPublic, plain, &h::OpenApi},

      {"POST", "/api/v1/devices", kOperator, plain, &h::CreateDevice},
      {"POST", "/api/v1/devices/import", kOperator, RouteKind::kImport, nullptr},
      {"GET", "/api/v1/devices", kViewer, plain, &h::ListDevices},
      {"GET", "/api/v1/devices/{id}", kViewer, plain, &h::GetDevice, &h::GetDeviceFromMemory},
      {"PATCH", "/api/v1/devices/{id}", kOperator, plain, &h::PatchDevice},
      {"DELETE", "/api/v1/devices/{id}", kOperator, plain, &h::DeleteDevice},
      {"POST", "/api/v1/devices/{id}/disable", kOperator, plain, &h::DisableDevice},
      {"POST", "/api/v1/devices/{id}/enable", kOperator, plain, &h::EnableDevice},
      {"POST", "/api/v1/devices/{id}/retire", kOperator, plain, &h::RetireDevice},
      {"GET", "/api/v1/devices/{id}/state", kViewer, plain, &h::GetDeviceState},
      {"PATCH", "/api/v1/devices/{id}/state/desired", kOperator, plain, &h::PatchDesiredState},
      {"GET", "/api/v1/devices/{id}/telemetry", kViewer, plain, &h::GetDeviceTelemetry},
      {"GET", "/api/v1/devices/{id}/logs", kViewer, plain, &h::ListDeviceLogs},
      // Credentials are managed by operators; even their listing (no secrets) reveals
      // identities that viewers have no need for.
      {"GET", "/api/v1/devices/{id}/credentials", kOperator, plain, &h::ListCredentials},
      {"POST", "/api/v1/devices/{id}/credentials", kOperator, plain, &h::AddCredential},
      {"DELETE", "/api/v1/devices/{id}/credentials/{cid}", kOperator, plain, &h::RevokeCredential},

      {"POST", "/api/v1/groups", kOperator, plain, &h::CreateGroup},
      {"GET", "/api/v1/groups", kViewer, plain, &h::ListGroups},
      {"GET", "/api/v1/groups/{id}", kViewer, plain, &h::GetGroup},
      {"PATCH", "/api/v1/groups/{id}", kOperator, plain, &h::PatchGroup},
      {"DELETE", "/api/v1/groups/{id}", kOperator, plain, &h::DeleteGroup},
      {"GET", "/api/v1/groups/{id}/devices", kViewer, plain, &h::ListGroupDevices},
      {"POST", "/api/v1/groups/{id}/members", kOperator, plain, &h::AddGroupMembers},
      {"POST", "/api/v1/groups/{id}/members/remove", kOperator, plain, &h::RemoveGroupMembers},

      {"POST", "/api/v1/tokens", kAdmin, plain, &h::CreateToken},
      {"GET", "/api/v1/tokens", kAdmin, plain, &h::ListTokens},
      {"GET", "/api/v1/tokens/self", kViewer, plain, &h::GetSelfToken},
      {"DELETE", "/api/v1/tokens/{id}", kAdmin, plain, &h::RevokeToken},

      // LwM2M device management, one route per path depth.
      {"GET", "/api/v1/devices/{id}/lwm2m/{object}", kViewer, plain, &h::Lwm2mGet},
      {"GET", "/api/v1/devices/{id}/lwm2m/{object}/{instance}", kViewer, plain, &h::Lwm2mGet},
      {"GET", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}", kViewer, plain,
       &h::Lwm2mGet},
      {"GET", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}/{ri}", kViewer, plain,
       &h::Lwm2mGet},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}", kOperator, plain, &h::Lwm2mPut},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}", kOperator, plain,
       &h::Lwm2mPut},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}/{ri}", kOperator, plain,
       &h::Lwm2mPut},
      {"PATCH", "/api/v1/devices/{id}/lwm2m/{object}/{instance}", kOperator, plain,
       &h::Lwm2mPatch},
      {"PATCH", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}", kOperator, plain,
       &h::Lwm2mPatch},
      {"POST", "/api/v1/devices/{id}/lwm2m/{object}", kOperator, plain, &h::Lwm2mPost},
      {"POST", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}", kOperator, plain,
       &h::Lwm2mPost},
      {"DELETE", "/api/v1/devices/{id}/lwm2m/{object}/{instance}", kOperator, plain,
       &h::Lwm2mDelete},
      {"DELETE", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}", kOperator, plain,
       &h::Lwm2mDelete},
      {"DELETE", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}/{ri}", kOperator,
       plain, &h::Lwm2mDelete},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/attributes", kOperator, plain,
       &h::Lwm2mWriteAttributes},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/attributes", kOperator, plain,
       &h::Lwm2mWriteAttributes},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}/attributes", kOperator,
       plain, &h::Lwm2mWriteAttributes},
      {"PUT", "/api/v1/devices/{id}/lwm2m/{object}/{instance}/{resource}/{ri}/attributes",
       kOperator, plain, &h::Lwm2mWriteAttributes},
      {"POST", "/api/v1/devices/{id}/lwm2m:read-composite", kViewer, plain,
       &h::Lwm2mReadComposite},
      {"POST", "/api/v1/devices/{id}/lwm2m:write-composite", kOperator, plain,
       &h::Lwm2mWriteComposite},
      {"GET", "/api/v1/devices/{id}/lwm2m/observations", kViewer, plain,
       &h::Lwm2mListObservations},
      {"POST", "/api/v1/devices/{id}/lwm2m/observations", kOperator, plain, &h::Lwm2mObserve},
      {"DELETE", "/api/v1/devices/{id}/lwm2m/observations/{oid}", kOperator, plain,
       &h::Lwm2mCancelObservation},

      {"POST", "/api/v1/devices/{id}/operations", kOperator, plain, &h::CreateOperation},
      {"GET", "/api/v1/devices/{id}/operations", kViewer, plain, &h::ListDeviceOperations},
      {"GET", "/api/v1/operations", kViewer, plain, &h::ListOperations},
      {"GET", "/api/v1/operations/{id}", kViewer, plain, &h::GetOperation},
      {"POST", "/api/v1/operations/{id}/cancel", kOperator, plain, &h::CancelOperation},
      {"POST", "/api/v1/operations/bulk", kOperator, plain, &h::CreateBulkOperations},
      {"POST", "/api/v1/maintenance-windows", kOperator, plain, &h::CreateMaintenanceWindow},
      {"GET", "/api/v1/maintenance-windows", kViewer, plain, &h::ListMaintenanceWindows},
      {"GET", "/api/v1/maintenance-windows/{id}", kViewer, plain, &h::GetMaintenanceWindow},
      {"PATCH", "/api/v1/maintenance-windows/{id}", kOperator, plain, &h::PatchMaintenanceWindow},
      {"DELETE", "/api/v1/maintenance-windows/{id}", kOperator, plain,
       &h::DeleteMaintenanceWindow},
      {"GET", "/api/v1/groups/{id}/maintenance-windows", kViewer, plain,
       &h::ListGroupMaintenanceWindows},
      {"PUT", "/api/v1/groups/{id}/maintenance-windows/{wid}", kOperator, plain,
       &h::AttachMaintenanceWindow},
      {"DELETE", "/api/v1/groups/{id}/maintenance-windows/{wid}", kOperator, plain,
       &h::DetachMaintenanceWindow},

      {"POST", "/api/v1/campaigns", kOperator, plain, &h::CreateCampaign},
      {"GET", "/api/v1/campaigns", kViewer, plain, &h::ListCampaigns},
      {"GET", "/api/v1/campaigns/{id}", kViewer, plain, &h::GetCampaign},
      {"GET", "/api/v1/campaigns/{id}/devices", kViewer, plain, &h::ListCampaignDevices},
      {"POST", "/api/v1/campaigns/{id}/pause", kOperator, plain, &h::PauseCampaign},
      {"POST", "/api/v1/campaigns/{id}/resume", kOperator, plain, &h::ResumeCampaign},
      {"POST", "/api/v1/campaigns/{id}/abort", kOperator, plain, &h::AbortCampaign},

      {"POST", "/api/v1/firmware", kOperator, RouteKind::kFirmwareUpload, nullptr},
      {"GET", "/api/v1/firmware", kViewer, plain, &h::ListFirmware},
      {"GET", "/api/v1/firmware/{id}", kViewer, plain, &h::GetFirmware},
      {"GET", "/api/v1/firmware/{id}/content", kViewer, plain, &h::GetFirmwareContent},
      {"DELETE", "/api/v1/firmware/{id}", kOperator, plain, &h::DeleteFirmware},

      {"GET", "/api/v1/audit", kViewer, plain, &h::ListAudit},
      {"GET", "/api/v1/events", kViewer, RouteKind::kEventStream, nullptr},
  };
}

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> kTable = BuildTable();
  return kTable;
}

std::vector<std::pair<std::string, std::string>> Routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : RouteTable()) out.emplace_back(r.method, r.path);
  return out;
}

}  // namespace custos::api
