// Private to the filter language: looking up the fields a filter may name.
#pragma once

#include <optional>
#include <string_view>

#include "core/filter.h"

namespace custos::core::filter::detail {

// The field called `name` ("battery_level", "labels.region"), or nullopt if there is none.
std::optional<Field> FindField(std::string_view name);

// "string", "version", "integer", "boolean", "time", "state": for error messages.
const char* TypeName(FieldType type);

}  // namespace custos::core::filter::detail
