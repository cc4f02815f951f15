// Devices: create, list, read, patch, delete (docs/api.md "Devices").
#include <boost/json.hpp>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"
#include "json/json.h"

namespace custos::api::handlers {

namespace {

Response DeviceResponse(int status, const core::Device& d) {
  Response res = JsonResponse(status, json::ToJson(d));
  res.headers.emplace_back("ETag", VersionTag(d.version));
  return res;
}

// Counts the members of a group that match `filter`: dynamic groups fold into one count
// query; static groups are paged through, since the store counts by filter only.
core::Result<std::int64_t> CountInGroup(const Services& s, core::GroupId group,
                                        const std::string& filter) {
  auto g = s.registry.GetGroup(group);
  if (!g) return tl::unexpected(g.error());
  if (g->kind == core::GroupKind::kDynamic) {
    std::string both = "(" + g->filter + ")";
    if (!filter.empty()) both += " and (" + filter + ")";
    return s.registry.CountDevices(both);
  }
  core::ListDevicesRequest page_req;
  page_req.filter = filter;
  page_req.group = group;
  page_req.limit = 1000;
  std::int64_t total = 0;
  for (;;) {
    auto page = s.registry.ListDevices(page_req);
    if (!page) return tl::unexpected(page.error());
    total += static_cast<std::int64_t>(page->devices.size());
    if (page->next_cursor.empty()) return total;
    page_req.cursor = page->next_cursor;
  }
}

}  // namespace

HandlerResult DevicePage(const Services& s, const Request& req,
                         std::optional<core::GroupId> group) {
  core::ListDevicesRequest list;
  if (const std::string* f = req.Query("filter")) list.filter = *f;
  if (const std::string* sort = req.Query("sort"); sort && !sort->empty()) list.sort = *sort;
  if (const std::string* cursor = req.Query("cursor")) list.cursor = *cursor;
  auto limit = QueryInt(req, "limit", 1, 1000);
  if (!limit) return tl::unexpected(limit.error());
  if (*limit) list.limit = static_cast<std::size_t>(**limit);
  if (!group) {
    auto g = QueryInt(req, "group", 1, INT64_MAX);
    if (!g) return tl::unexpected(g.error());
    group = *g;
  }
  list.group = group;
  auto count = QueryBool(req, "count", false);
  if (!count) return tl::unexpected(count.error());

  auto page = s.registry.ListDevices(list);
  if (!page) return tl::unexpected(page.error());
  boost::json::array devices;
  devices.reserve(page->devices.size());
  for (const core::Device& d : page->devices) devices.emplace_back(json::ToJson(d));
  boost::json::object out;
  out["devices"] = std::move(devices);
  if (page->next_cursor.empty()) {
    out["next_cursor"] = nullptr;
  } else {
    out["next_cursor"] = page->next_cursor;
  }
  if (*count) {
    auto total =
        group ? CountInGroup(s, *group, list.filter) : s.registry.CountDevices(list.filter);
    if (!total) return tl::unexpected(total.error());
    out["total"] = *total;
  }
  return JsonResponse(200, out);
}

HandlerResult CreateDevice(const Services& s, Request& req) {
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  auto device = json::DeviceFromJson(boost::json::value(std::move(*body)));
  if (!device) return tl::unexpected(device.error());
  auto created = s.registry.CreateDevice(req.actor, std::move(*device));
  if (!created) return tl::unexpected(created.error());
  Response res = DeviceResponse(201, *created);
  res.headers.emplace_back("Location", "/api/v1/devices/" + std::to_string(created->id));
  return res;
}

HandlerResult ListDevices(const Services& s, Request& req) {
  return DevicePage(s, req, std::nullopt);
}

HandlerResult GetDevice(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto device = s.registry.GetDevice(*id);
  if (!device) return tl::unexpected(device.error());
  return DeviceResponse(200, *device);
}

std::optional<Response> GetDeviceFromMemory(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return std::nullopt;
  // Errors (a 404 included) are left to GetDevice on the worker pool, which says why.
  auto device = s.store.TryGetDevice(*id);
  if (!device || !*device) return std::nullopt;
  return DeviceResponse(200, **device);
}

HandlerResult PatchDevice(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  auto body = ParseObjectBody(req);
  if (!body) return tl::unexpected(body.error());
  auto patch = json::DevicePatchFromJson(boost::json::value(std::move(*body)));
  if (!patch) return tl::unexpected(patch.error());
  auto version = ExpectedVersion(req, patch->expected_version);
  if (!version) return tl::unexpected(version.error());
  patch->expected_version = *version;
  auto updated = s.registry.UpdateDevice(req.actor, *id, *patch);
  if (!updated) return tl::unexpected(updated.error());
  return DeviceResponse(200, *updated);
}

HandlerResult DeleteDevice(const Services& s, Request& req) {
  auto id = PathId(req, "id", "device");
  if (!id) return tl::unexpected(id.error());
  if (auto ok = s.registry.DeleteDevice(req.actor, *id); !ok) return tl::unexpected(ok.error());
  return NoContent();
}

}  // namespace custos::api::handlers
