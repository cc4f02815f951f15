#include "app/lwm2m_firmware_steps.h"

#include <boost/json.hpp>
#include <vector>

namespace custos::app {
namespace {

namespace js = boost::json;

std::optional<std::int64_t> IntValue(const js::object& node) {
  const js::value* v = node.if_contains("value");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

// Walks a typed node (json_write.cc: the top node has the "path", nested ones their "id"
// under "objects", "instances" or "resources"), `at` being the node's path as ids.
void Collect(const js::value& node, std::vector<std::int64_t>& at, Object5Values& out) {
  const js::object* o = node.if_object();
  if (o == nullptr) return;
  if (at.size() == 3 && at[0] == 5 && at[1] == 0) {
    if (at[2] == 3) out.state = IntValue(*o);
    if (at[2] == 5) out.update_result = IntValue(*o);
    return;
  }
  if (at.size() >= 3) return;
  for (const char* children : {"objects", "instances", "resources"}) {
    const js::value* list = o->if_contains(children);
    if (list == nullptr || !list->is_array()) continue;
    for (const js::value& child : list->as_array()) {
      // Ids are unsigned as the device manager builds them (uint64), signed once parsed.
      const js::value* id = child.is_object() ? child.as_object().if_contains("id") : nullptr;
      if (id == nullptr) continue;
      if (id->is_uint64()) {
        at.push_back(static_cast<std::int64_t>(id->as_uint64()));
      } else if (id->is_int64()) {
        at.push_back(id->as_int64());
      } else {
        continue;
      }
      Collect(child, at, out);
      at.pop_back();
    }
  }
}

// "/5/0/3" as ids; nullopt for anything that is not a path.
std::optional<std::vector<std::int64_t>> IdsOf(std::string_view path) {
  std::vector<std::int64_t> ids;
  if (path.empty() || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (part.empty() || part.size() > 5) return std::nullopt;
    std::int64_t id = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      id = id * 10 + (c - '0');
    }
    ids.push_back(id);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return ids;
}

}  // namespace

std::string UpdateResultMeaning(std::int64_t result) {
  switch (result) {
    case 2:
      return "not enough flash memory for the new firmware package";
    case 3:
      return "out of RAM during the download";
    case 4:
      return "connection lost during the download";
    case 5:
      return "integrity check failure for the new downloaded package";
    case 6:
      return "unsupported package type";
    case 7:
      return "invalid URI";
    case 8:
      return "firmware update failed";
    case 9:
      return "unsupported protocol";
    default:
      return "";
  }
}

core::Result<FirmwareRequest> ParseFirmwareRequest(std::string_view parameters_json) {
  boost::system::error_code ec;
  js::value parameters = js::parse(parameters_json, ec);
  if (ec || !parameters.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "parameters: not a JSON object");
  }
  const js::object& o = parameters.as_object();
  FirmwareRequest request;
  const js::value* id = o.if_contains("firmware_id");
  if (id != nullptr && id->is_int64() && id->as_int64() > 0) {
    request.firmware_id = id->as_int64();
  } else if (id != nullptr && id->is_uint64()) {
    request.firmware_id = static_cast<core::FirmwareId>(id->as_uint64());
  } else {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "parameters: \"firmware_id\" (the id of an uploaded image) is "
                           "required");
  }
  if (const js::value* method = o.if_contains("method"); method != nullptr) {
    if (method->is_string() && method->as_string() == "push") {
      request.method = FirmwareMethod::kPush;
    } else if (!method->is_string() || method->as_string() != "pull") {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "parameters: \"method\" is \"pull\" or \"push\"");
    }
  }
  return request;
}

bool ReachedDevice(std::string_view result_json) {
  boost::system::error_code ec;
  js::value result = js::parse(result_json, ec);
  return !ec && result.is_object() && result.as_object().contains("stage");
}

FirmwareStep FirstStep(std::int64_t state, std::int64_t update_result, bool runs_image_version,
                       bool redelivery) {
  if (state == kFirmwareUpdating) return FirmwareStep::kAwaitReboot;
  if (redelivery && state == kFirmwareDownloading) return FirmwareStep::kAwaitDownload;
  if (redelivery && state == kFirmwareDownloaded) {
    return UpdateResultMeaning(update_result).empty() ? FirmwareStep::kExecute
                                                      : FirmwareStep::kFail;
  }
  if (state == kFirmwareIdle && runs_image_version) return FirmwareStep::kSucceed;
  return FirmwareStep::kSendPackage;
}

FirmwareReaction ReactionTo(FirmwareStage stage, std::optional<std::int64_t> state,
                            std::optional<std::int64_t> update_result) {
  if (stage == FirmwareStage::kStarting) return FirmwareReaction::kNone;
  if (update_result && !UpdateResultMeaning(*update_result).empty()) {
    return FirmwareReaction::kFail;
  }
  if (stage == FirmwareStage::kDownloading && state == kFirmwareDownloaded) {
    return FirmwareReaction::kExecute;
  }
  return FirmwareReaction::kNone;
}

Object5Values Object5In(const boost::json::value& node) {
  Object5Values out;
  const js::object* o = node.if_object();
  const js::value* path = o != nullptr ? o->if_contains("path") : nullptr;
  if (path == nullptr || !path->is_string()) return out;
  auto at = IdsOf(path->as_string());
  if (at) Collect(node, *at, out);
  return out;
}

}  // namespace custos::app
