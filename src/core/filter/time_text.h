// Private to the filter language: RFC 3339 time literals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace custos::core::filter::detail {

// "2026-11-01T00:00:00Z", "2026-11-01t00:00:00.123456+02:00", ... as epoch milliseconds
// (fractions beyond milliseconds are truncated). nullopt unless the whole text is one
// RFC 3339 date-time with a valid calendar date.
std::optional<TimeMs> ParseRfc3339(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for times in years 0000..9999; nullopt outside them.
std::optional<std::string> FormatRfc3339(TimeMs t);

}  // namespace custos::core::filter::detail
