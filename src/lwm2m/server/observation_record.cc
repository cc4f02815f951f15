#include "lwm2m/server/observation_record.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "lwm2m/server/registration_record.h"

namespace custos::lwm2m::server {
namespace {

core::Error Invalid(std::string message) {
  return core::Error{core::ErrorCode::kInvalidArgument, std::move(message), std::nullopt};
}

}  // namespace

core::Result<core::Lwm2mObservationRecord> ToRecord(const Observation& o) {
  std::int64_t number = 0;
  const char* begin = o.id.data() + 1;
  const char* end = o.id.data() + o.id.size();
  auto [last, ec] = std::from_chars(begin, end, number);
  if (o.id.size() < 2 || o.id[0] != 'o' || ec != std::errc() || last != end || number <= 0) {
    return tl::unexpected(Invalid(fmt::format("'{}' is not an observation id", o.id)));
  }
  core::Lwm2mObservationRecord r;
  r.id = number;
  r.device_id = o.device;
  for (const Path& p : o.paths) r.paths.push_back(ToString(p));
  r.token = o.token;
  r.secure = o.secure;
  r.peer = coap::ToString(o.peer);
  r.content_format = o.content_format ? static_cast<std::int64_t>(*o.content_format) : -1;
  r.started_at = o.started_at;
  if (!o.last_value.is_null()) r.last_value_json = boost::json::serialize(o.last_value);
  r.last_notified_at = o.last_notified_at;
  return r;
}

core::Result<Observation> FromRecord(const core::Lwm2mObservationRecord& r) {
  Observation o;
  o.id = fmt::format("o{}", r.id);
  o.device = r.device_id;
  if (r.paths.empty()) return tl::unexpected(Invalid(fmt::format("{} has no path", o.id)));
  for (const std::string& text : r.paths) {
    auto path = ParsePath(text);
    if (!path) return tl::unexpected(Invalid(fmt::format("{}: {}", o.id, path.error().message)));
    o.paths.push_back(*path);
  }
  if (r.token.empty() || r.token.size() > 8) {
    return tl::unexpected(Invalid(fmt::format("{}: a token of {} bytes", o.id, r.token.size())));
  }
  o.token = r.token;
  auto peer = ParsePeer(r.peer);
  if (!peer) return tl::unexpected(Invalid(fmt::format("{}: bad peer '{}'", o.id, r.peer)));
  o.peer = *peer;
  o.secure = r.secure;
  if (r.content_format >= 0 && r.content_format <= 0xffff) {
    o.content_format = static_cast<std::uint16_t>(r.content_format);
  }
  o.accepted = true;
  o.started_at = r.started_at;
  if (!r.last_value_json.empty()) {
    boost::system::error_code ec;
    o.last_value = boost::json::parse(r.last_value_json, ec);
    if (ec) return tl::unexpected(Invalid(fmt::format("{}: bad last value", o.id)));
  }
  o.last_notified_at = r.last_notified_at;
  return o;
}

}  // namespace custos::lwm2m::server
