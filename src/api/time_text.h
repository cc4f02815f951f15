// Reading times from request parameters. Internal to the api module.
#pragma once

#include <optional>
#include <string_view>

#include "core/core.h"

namespace custos::api {

// RFC 3339 or integer epoch milliseconds, as the filter language accepts.
std::optional<core::TimeMs> ParseTimeParam(std::string_view text);

}  // namespace custos::api
