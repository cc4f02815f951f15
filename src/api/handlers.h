// The REST handlers (docs/api.md), one function per route, and the route table that names
// them. Each runs on the worker pool with req.actor already authenticated and authorised for
// the route's role. Internal to the api module.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <vector>

#include "api/http_server.h"
#include "api/message.h"
#include "api/router.h"

namespace custos::api {

// Every route the server serves, in documentation order.
const std::vector<Route>& RouteTable();

namespace handlers {

using HandlerResult = core::Result<Response>;

// devices
HandlerResult CreateDevice(const Services& s, Request& req);
HandlerResult ListDevices(const Services& s, Request& req);
HandlerResult GetDevice(const Services& s, Request& req);
// GetDevice's answer when the store gives it without waiting (Store::TryGetDevice), or
// nullopt (router.h MemoryHandler).
std::optional<Response> GetDeviceFromMemory(const Services& s, Request& req);
HandlerResult PatchDevice(const Services& s, Request& req);
HandlerResult DeleteDevice(const Services& s, Request& req);
HandlerResult DisableDevice(const Services& s, Request& req);
HandlerResult EnableDevice(const Services& s, Request& req);
HandlerResult RetireDevice(const Services& s, Request& req);
// The device page of GET /devices, and of GET /groups/{id}/devices when `group` is given.
HandlerResult DevicePage(const Services& s, const Request& req, std::optional<core::GroupId> group);

// what devices report: state (desired and reported documents), telemetry, logs
HandlerResult GetDeviceState(const Services& s, Request& req);
HandlerResult PatchDesiredState(const Services& s, Request& req);
HandlerResult GetDeviceTelemetry(const Services& s, Request& req);
HandlerResult ListDeviceLogs(const Services& s, Request& req);

// device credentials
HandlerResult ListCredentials(const Services& s, Request& req);
HandlerResult AddCredential(const Services& s, Request& req);
HandlerResult RevokeCredential(const Services& s, Request& req);

// groups
HandlerResult CreateGroup(const Services& s, Request& req);
HandlerResult ListGroups(const Services& s, Request& req);
HandlerResult GetGroup(const Services& s, Request& req);
HandlerResult PatchGroup(const Services& s, Request& req);
HandlerResult DeleteGroup(const Services& s, Request& req);
HandlerResult ListGroupDevices(const Services& s, Request& req);
HandlerResult AddGroupMembers(const Services& s, Request& req);
HandlerResult RemoveGroupMembers(const Services& s, Request& req);

// operator tokens
HandlerResult CreateToken(const Services& s, Request& req);
HandlerResult ListTokens(const Services& s, Request& req);
HandlerResult GetSelfToken(const Services& s, Request& req);
HandlerResult RevokeToken(const Services& s, Request& req);

// audit log
HandlerResult ListAudit(const Services& s, Request& req);

// LwM2M device management (api/lwm2m_port.h): the path comes from {object}, {instance},
// {resource} and {ri}; POST creates on an object and executes on a resource.
HandlerResult Lwm2mGet(const Services& s, Request& req);
HandlerResult Lwm2mPut(const Services& s, Request& req);
HandlerResult Lwm2mPatch(const Services& s, Request& req);
HandlerResult Lwm2mPost(const Services& s, Request& req);
HandlerResult Lwm2mDelete(const Services& s, Request& req);
HandlerResult Lwm2mWriteAttributes(const Services& s, Request& req);
HandlerResult Lwm2mReadComposite(const Services& s, Request& req);
HandlerResult Lwm2mWriteComposite(const Services& s, Request& req);
HandlerResult Lwm2mObserve(const Services& s, Request& req);
HandlerResult Lwm2mListObservations(const Services& s, Request& req);
HandlerResult Lwm2mCancelObservation(const Services& s, Request& req);

// remote operations (the engine of ops/ops.h)
HandlerResult CreateOperation(const Services& s, Request& req);
HandlerResult ListDeviceOperations(const Services& s, Request& req);
HandlerResult ListOperations(const Services& s, Request& req);
HandlerResult GetOperation(const Services& s, Request& req);
HandlerResult CancelOperation(const Services& s, Request& req);
// An operation as GET /operations/{id} answers it (also in the 202 of a queued LwM2M request).
boost::json::object OperationToJson(const core::Operation& op);
// POST /operations/bulk: one operation per device of a group or a filter.
HandlerResult CreateBulkOperations(const Services& s, Request& req);

// maintenance windows, and their attachment to groups
HandlerResult CreateMaintenanceWindow(const Services& s, Request& req);
HandlerResult ListMaintenanceWindows(const Services& s, Request& req);
HandlerResult GetMaintenanceWindow(const Services& s, Request& req);
HandlerResult PatchMaintenanceWindow(const Services& s, Request& req);
HandlerResult DeleteMaintenanceWindow(const Services& s, Request& req);
HandlerResult ListGroupMaintenanceWindows(const Services& s, Request& req);
HandlerResult AttachMaintenanceWindow(const Services& s, Request& req);
HandlerResult DetachMaintenanceWindow(const Services& s, Request& req);

// staged campaigns (campaign/campaign.h)
HandlerResult CreateCampaign(const Services& s, Request& req);
HandlerResult ListCampaigns(const Services& s, Request& req);
HandlerResult GetCampaign(const Services& s, Request& req);
HandlerResult ListCampaignDevices(const Services& s, Request& req);
HandlerResult PauseCampaign(const Services& s, Request& req);
HandlerResult ResumeCampaign(const Services& s, Request& req);
HandlerResult AbortCampaign(const Services& s, Request& req);

// firmware images (firmware/firmware.h); the upload streams (RouteKind::kFirmwareUpload)
HandlerResult ListFirmware(const Services& s, Request& req);
HandlerResult GetFirmware(const Services& s, Request& req);
HandlerResult GetFirmwareContent(const Services& s, Request& req);
HandlerResult DeleteFirmware(const Services& s, Request& req);

// operations endpoints
HandlerResult Healthz(const Services& s, Request& req);
HandlerResult Metrics(const Services& s, Request& req);
HandlerResult OpenApi(const Services& s, Request& req);

}  // namespace handlers
}  // namespace custos::api
