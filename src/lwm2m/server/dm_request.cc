#include "lwm2m/server/dm_request.h"

#include <fmt/format.h>

namespace custos::lwm2m::server::dm {

std::string UriPathOf(const Registration& registration, const Path& path) {
  std::string root = registration.objects.root_path;
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (path.IsRoot()) return root.empty() ? "/" : root;
  return root + ToString(path);
}

std::string StripRoot(const Registration& registration, std::string target) {
  std::string root = registration.objects.root_path;
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (!root.empty() && target.rfind(root + "/", 0) == 0) target.erase(0, root.size());
  if (target.empty() || target[0] != '/') target.insert(target.begin(), '/');
  return target;
}

DeclaredVersions VersionsOf(const Registration& registration) {
  DeclaredVersions out;
  for (const ObjectLink& link : registration.objects.objects) {
    if (!link.path.object || link.version.empty()) continue;
    if (auto v = ParseObjectVersion(link.version)) out[*link.path.object] = *v;
  }
  return out;
}

bool Declares(const Registration& registration, const Path& path) {
  if (!path.object) return true;
  for (const ObjectLink& link : registration.objects.objects) {
    if (link.path.object == path.object) return true;
  }
  return false;
}

format::Shape ShapeOf(const Path& path, const ObjectRegistry& objects,
                      const DeclaredVersions& versions) {
  if (path.IsResourceInstance()) return format::Shape::kValue;
  if (path.IsResource()) {
    const ResourceDefinition* def = objects.FindResource(path, versions);
    if (def != nullptr && !def->multiple) return format::Shape::kValue;
  }
  return format::Shape::kTree;
}

DmResult<format::ContentFormat> FormatFor(const Registration& registration, const Path& path,
                                          format::Shape shape, const ObjectRegistry& objects) {
  std::optional<ResourceType> type;
  if (shape == format::Shape::kValue) type = objects.TypeAt(path, VersionsOf(registration));
  auto chosen =
      format::ChooseFormat(registration.version, registration.objects.content_formats, shape, type);
  if (!chosen) {
    return MakeDmError(chosen.error().code, "unsupported_by_device", chosen.error().message);
  }
  return *chosen;
}

DmError FromTransport(const core::Error& error) {
  if (error.code == core::ErrorCode::kTimeout) {
    return DmError{
        error.code, "timeout", "the device did not answer in time: " + error.message, {}};
  }
  if (error.code == core::ErrorCode::kUnavailable) {
    return DmError{error.code, "device_unreachable", error.message, {}};
  }
  return DmError{error.code, "transport_error", error.message, {}};
}

DmError FromAnswer(const coap::Message& answer) {
  std::string code = coap::ToString(answer.code);
  std::string diagnostic(answer.payload.begin(), answer.payload.end());
  std::string message = diagnostic.empty()
                            ? fmt::format("the device answered {}", code)
                            : fmt::format("the device answered {}: {}", code, diagnostic);
  return FromCoapCode(std::move(code), std::move(message));
}

DmError BadAnswer(std::string message) {
  return DmError{core::ErrorCode::kUnavailable,
                 "bad_answer",
                 "the device's answer cannot be read: " + message,
                 {}};
}

}  // namespace custos::lwm2m::server::dm
