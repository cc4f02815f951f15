// Private to the JSON module: small pieces shared by its files.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.h"

namespace custos::json::detail {

// A kInvalidArgument error.
tl::unexpected<core::Error> Invalid(std::string message,
                                    std::optional<std::size_t> position = std::nullopt);

// "a string", "a number", "null", ...: what a value is, for "expected X, found Y" messages.
const char* KindName(const boost::json::value& v);

// A JSON text kept by the core (metadata, audit details, event data) as an embedded value;
// text that does not parse is embedded as a string rather than lost.
boost::json::value Embedded(std::string_view json_text);

// {"key": "value", ...}
boost::json::object LabelsJson(const core::Labels& labels);

// RFC 3339 text of a time; null for nullopt.
boost::json::value Time(std::optional<core::TimeMs> t);

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace custos::json::detail
