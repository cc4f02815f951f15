#include "api/event_stream_format.h"

#include <boost/json.hpp>

#include "api/query.h"
#include "json/json.h"

namespace custos::api {

namespace {

std::vector<std::string_view> SplitCommas(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// A single line: a type or comment must never smuggle a field into the stream.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

core::Result<EventStreamParams> ParseEventStreamParams(const Request& req) {
  EventStreamParams params;
  if (const std::string* devices = req.Query("device")) {
    for (std::string_view item : SplitCommas(*devices)) {
      auto id = ParseInt64(item);
      if (!id || *id <= 0) {
        return core::MakeError(core::ErrorCode::kInvalidArgument,
                               "device: expected comma-separated device ids");
      }
      params.filter.device_ids.insert(*id);
    }
  }
  if (const std::string* types = req.Query("type")) {
    for (std::string_view item : SplitCommas(*types)) params.filter.types.emplace_back(item);
  }
  std::string_view resume = req.Header("last-event-id");
  const char* source = "Last-Event-ID";
  if (resume.empty()) {
    if (const std::string* since = req.Query("since")) resume = *since;
    source = "since";
  }
  if (!resume.empty()) {
    auto seq = ParseInt64(resume);
    if (!seq || *seq < 0) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             std::string(source) + ": expected an event id");
    }
    params.after_seq = static_cast<std::uint64_t>(*seq);
  }
  return params;
}

std::string FormatEvent(const core::Event& event) {
  std::string out = "id: " + std::to_string(event.seq) + "\n";
  out += "event: " + OneLine(event.type) + "\n";
  // Compact JSON has no raw line breaks (they are escaped inside strings).
  out += "data: " + boost::json::serialize(json::ToJson(event)) + "\n\n";
  return out;
}

std::string FormatComment(std::string_view text) { return ": " + OneLine(text) + "\n\n"; }

}  // namespace custos::api
