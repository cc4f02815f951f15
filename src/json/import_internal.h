// Private to the JSON module: the import parsers behind ImportParser::Create and the row
// conversion they share.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <string_view>

#include "json/json.h"

namespace custos::json::detail {

// A row's text may not exceed this; a longer one is a fatal error, which bounds memory.
inline constexpr std::size_t kMaxRowBytes = 1024 * 1024;

// Row `row` from a parsed JSON value: a device, or rejected with why (including "not an
// object").
ImportRow RowFromValue(std::size_t row, const boost::json::value& v);
// Row `row` from the JSON text of one array element or NDJSON line.
ImportRow RowFromJsonText(std::size_t row, std::string_view text);

std::unique_ptr<ImportParser> MakeJsonArrayParser();
std::unique_ptr<ImportParser> MakeNdjsonParser();
std::unique_ptr<ImportParser> MakeCsvParser();

}  // namespace custos::json::detail
