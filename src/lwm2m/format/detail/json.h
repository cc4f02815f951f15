// Internal to lwm2m/format: parsing JSON payloads with Boost.JSON, and reading numbers and
// SenML's labels from its values.
#pragma once

#include <boost/json/value.hpp>

#include "lwm2m/format/detail/senml.h"

namespace custos::lwm2m::format::detail {

// The JSON text of `payload` (one value, nothing after it); kInvalidArgument with the byte
// offset of a syntax error. `format` names the format in messages.
core::Result<boost::json::value> ParseJson(Payload payload, std::string_view format);

// The number `value` holds, or nullopt when it holds none.
std::optional<Number> JsonNumber(const boost::json::value& value);

}  // namespace custos::lwm2m::format::detail
