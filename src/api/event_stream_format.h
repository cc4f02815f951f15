// The event stream's parameters and wire format (text/event-stream), without sockets.
// Internal to the api module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/message.h"
#include "core/core.h"

namespace custos::api {

struct EventStreamParams {
  core::EventFilter filter;
  std::optional<std::uint64_t> after_seq;  // replay kept events after this one
};

// `device=1,2`, `type=device.*,group.created`, and the resume point: the Last-Event-ID
// header, else `since`. kInvalidArgument on a malformed value.
core::Result<EventStreamParams> ParseEventStreamParams(const Request& req);

// "id: <seq>\nevent: <type>\ndata: <json>\n\n".
std::string FormatEvent(const core::Event& event);

// A comment line, ignored by EventSource: ": <text>\n\n".
std::string FormatComment(std::string_view text);

}  // namespace custos::api
