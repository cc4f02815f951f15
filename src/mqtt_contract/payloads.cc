// The JSON payloads of the contract: parsing what devices send, building what they get.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
using core::ErrorCode;
using core::MakeError;

constexpr std::size_t kMaxOperationNames = 64;
constexpr std::size_t kMaxOperationNameBytes = 64;

core::Result<std::optional<std::int64_t>> Version(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::uint64_t(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("{}: must be a whole number, 0 or more", key));
}

json::object Document(const std::string& text) {
  auto parsed = twin::ParseObject(text);
  return parsed ? std::move(*parsed) : json::object();
}

}  // namespace

core::Result<twin::ReportedUpdate> ParseReportedMessage(std::string_view payload) {
  auto message = twin::ParseObject(payload);
  if (!message) return tl::unexpected(message.error());
  for (const auto& [key, value] : *message) {
    if (key != "state" && key != "version" && key != "desired_version") {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("unknown member '{}' (state, version, desired_version)",
                                   std::string_view(key)));
    }
  }
  twin::ReportedUpdate update;
  json::value* state = message->if_contains("state");
  if (state == nullptr || !state->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "state: must be an object (a merge patch)");
  }
  // Moved, not copied: a copy allocates every member again, per message.
  update.patch = std::move(state->get_object());
  auto based_on = Version(*message, "version");
  if (!based_on) return tl::unexpected(based_on.error());
  update.based_on = *based_on;
  auto applied = Version(*message, "desired_version");
  if (!applied) return tl::unexpected(applied.error());
  update.desired_applied = *applied;
  return update;
}

core::Result<twin::ReportedUpdate> ParseIdentityMessage(std::string_view payload) {
  auto message = twin::ParseObject(payload);
  if (!message) return tl::unexpected(message.error());
  if (const json::value* ops = message->if_contains("supported_operations")) {
    const json::array* list = ops->if_array();
    bool ok = list != nullptr && list->size() <= kMaxOperationNames;
    for (std::size_t i = 0; ok && i < list->size(); ++i) {
      const json::string* name = (*list)[i].if_string();
      ok = name != nullptr && !name->empty() && name->size() <= kMaxOperationNameBytes;
    }
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("supported_operations: must be an array of at most {} "
                                   "names of 1 to {} bytes",
                                   kMaxOperationNames, kMaxOperationNameBytes));
    }
  }
  twin::ReportedUpdate update;
  update.patch = std::move(*message);
  return update;
}

core::Result<std::vector<core::DeviceLogLine>> ParseLogLines(std::string_view payload) {
  std::vector<core::DeviceLogLine> lines;
  std::size_t number = 0;
  while (!payload.empty()) {
    auto eol = payload.find('\n');
    std::string_view text = payload.substr(0, eol);
    payload = eol == std::string_view::npos ? std::string_view() : payload.substr(eol + 1);
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto line = twin::ParseObject(text);
    auto fail = [number](std::string_view why) {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("line {}: {}", number, why));
    };
    if (!line) return fail(line.error().message);
    const json::value* level = line->if_contains("level");
    const json::value* message = line->if_contains("message");
    if (level == nullptr || !level->is_string()) return fail("level: must be a string");
    if (message == nullptr || !message->is_string()) return fail("message: must be a string");
    core::DeviceLogLine out;
    out.level = std::string(level->get_string());
    out.message = std::string(message->get_string());
    if (const json::value* at = line->if_contains("at")) {
      std::optional<core::TimeMs> t;
      if (at->is_string()) {
        t = core::ParseTime(at->get_string());
      } else if (at->is_int64() && at->get_int64() > 0) {
        t = at->get_int64();
      }
      if (!t) return fail("at: must be an RFC 3339 time or epoch milliseconds");
      out.at = *t;
    }
    lines.push_back(std::move(out));
  }
  if (lines.empty()) return MakeError(ErrorCode::kInvalidArgument, "no log line");
  return lines;
}

core::Result<core::OperationReport> ParseOperationReport(std::string_view payload, bool final) {
  auto report = twin::ParseObject(payload);
  if (!report) return tl::unexpected(report.error());
  core::OperationReport out;
  out.final = final;
  const json::value* state = report->if_contains("state");
  if (state != nullptr && !state->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "state: must be a string");
  }
  out.state = state != nullptr ? std::string(state->get_string()) : "";
  if (final) {
    if (out.state != "succeeded" && out.state != "failed" && out.state != "rejected") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "state: a result is succeeded, failed or rejected");
    }
  } else if (out.state.empty()) {
    out.state = "in_progress";
  } else if (out.state != "in_progress") {
    return MakeError(ErrorCode::kInvalidArgument, "state: progress is in_progress");
  }
  if (const json::value* progress = report->if_contains("progress")) {
    const bool ok = progress->is_number() && progress->to_number<double>() >= 0 &&
                    progress->to_number<double>() <= 100;
    if (!ok) return MakeError(ErrorCode::kInvalidArgument, "progress: must be from 0 to 100");
  }
  if (const json::value* message = report->if_contains("message");
      message != nullptr && !message->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "message: must be a string");
  }
  out.payload_json = json::serialize(*report);
  return out;
}

core::Result<std::string> ParseRequestMethod(std::string_view payload) {
  auto request = twin::ParseObject(payload);
  if (!request) return tl::unexpected(request.error());
  const json::value* method = request->if_contains("method");
  if (method == nullptr || !method->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "method: must be a string");
  }
  return std::string(method->get_string());
}

std::string DesiredMessage(const core::DeviceState& state) {
  json::object out;
  out["state"] = Document(state.desired_json);
  out["version"] = state.desired_version;
  return json::serialize(out);
}

std::string DeltaMessage(const core::DeviceState& state) {
  json::object out;
  out["state"] = twin::Delta(Document(state.desired_json), Document(state.reported_json));
  out["version"] = state.desired_version;
  return json::serialize(out);
}

}  // namespace custos::mqtt_contract
