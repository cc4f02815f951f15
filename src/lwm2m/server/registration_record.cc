#include "lwm2m/server/registration_record.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

namespace custos::lwm2m::server {
namespace {

format::Lwm2mVersion VersionOf(std::string_view text) {
  // As ParseRegister reads lwm2m=: a later 1.x is 1.2.
  if (text == "1.0") return format::Lwm2mVersion::kV1_0;
  if (text == "1.1") return format::Lwm2mVersion::kV1_1;
  return format::Lwm2mVersion::kV1_2;
}

}  // namespace

std::string FormatObjectList(const ObjectList& objects) {
  std::string out;
  const bool root_link = objects.root_path != "/" || !objects.content_formats.empty();
  if (root_link) {
    out = fmt::format("<{}>;rt=\"oma.lwm2m\"", objects.root_path);
    if (!objects.content_formats.empty()) {
      out += fmt::format(";ct=\"{}\"", fmt::join(objects.content_formats, " "));
    }
  }
  // Both arms string_view: with "" and a std::string the ternary would make a temporary
  // string and leave `prefix` dangling.
  const std::string_view prefix =
      objects.root_path == "/" ? std::string_view() : std::string_view(objects.root_path);
  for (const ObjectLink& link : objects.objects) {
    if (!out.empty()) out += ',';
    out += fmt::format("<{}{}>", prefix, ToString(link.path));
    if (!link.version.empty()) out += fmt::format(";ver={}", link.version);
  }
  return out;
}

std::optional<coap::Peer> ParsePeer(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  const bool v6 = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (v6) host = host.substr(1, host.size() - 2);
  const std::string host_text(host);
  if (v6) {
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, host_text.c_str(), bytes.data()) != 1) return std::nullopt;
    return coap::Peer::V6(bytes, static_cast<std::uint16_t>(port));
  }
  std::array<std::uint8_t, 4> bytes{};
  if (inet_pton(AF_INET, host_text.c_str(), bytes.data()) != 1) return std::nullopt;
  return coap::Peer::V4(bytes, static_cast<std::uint16_t>(port));
}

core::Lwm2mRegistrationRecord ToRecord(const Registration& r) {
  core::Lwm2mRegistrationRecord out;
  out.id = r.id;
  out.endpoint = r.endpoint;
  out.device_id = r.device_id;
  out.peer = coap::ToString(r.peer);
  out.secure = r.secure;
  out.identity = r.identity;
  out.version = r.version_text;
  out.lifetime_s = r.lifetime_s;
  out.binding = r.binding;
  out.sms = r.sms;
  out.queue_mode = r.queue_mode;
  out.object_links = FormatObjectList(r.objects);
  out.registered_at = r.registered_at;
  out.updated_at = r.updated_at;
  out.deadline = r.deadline;
  return out;
}

core::Result<Registration> FromRecord(const core::Lwm2mRegistrationRecord& record) {
  auto peer = ParsePeer(record.peer);
  if (!peer) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("registration {}: bad peer '{}'", record.id, record.peer));
  }
  auto objects = ParseObjectList(record.object_links);
  if (!objects) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("registration {}: {}", record.id, objects.error().message));
  }
  Registration r;
  r.id = record.id;
  r.endpoint = record.endpoint;
  r.device_id = record.device_id;
  r.peer = *peer;
  r.secure = record.secure;
  r.identity = record.identity;
  r.version = VersionOf(record.version);
  r.version_text = record.version;
  r.lifetime_s = record.lifetime_s;
  r.binding = record.binding;
  r.sms = record.sms;
  r.queue_mode = record.queue_mode;
  r.objects = std::move(*objects);
  r.registered_at = record.registered_at;
  r.updated_at = record.updated_at;
  r.deadline = record.deadline;
  return r;
}

}  // namespace custos::lwm2m::server
