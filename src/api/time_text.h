// Reading times from request parameters. Internal to the api module.
#pragma once

#include <optional>
#include <string_view>

#include "core/core.h"

namespace custos::api {

// RFC 3339 ("2026-11-27T16:34:31Z", "2026-11-27T16:34:31.250+01:00"; 'T' or ' ', 't'/'z'
// too) to epoch milliseconds; nullopt if malformed or out of range.
std::optional<core::TimeMs> ParseRfc3339(std::string_view text);

// RFC 3339 or integer epoch milliseconds, as the filter language accepts.
std::optional<core::TimeMs> ParseTimeParam(std::string_view text);

}  // namespace custos::api
