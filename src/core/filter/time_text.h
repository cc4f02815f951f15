// Private to the filter language: RFC 3339 time literals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace custos::core::filter::detail {

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for times in years 0000..9999; nullopt outside them.
std::optional<std::string> FormatRfc3339(TimeMs t);

}  // namespace custos::core::filter::detail
