// Checks and conversions of command-line values into request fields; every failure here is
// a usage error.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/failure.h"

namespace custos::cli {

// "k=v" arguments (--label) as a labels object; the key may not be empty, the value may, a
// later key wins. "a=b=c" is key "a", value "b=c".
Outcome<boost::json::object> ParseLabels(const std::vector<std::string>& pairs);

// A JSON object given as an argument (--metadata); `option` names it in the message.
Outcome<boost::json::object> ParseJsonObject(std::string_view text, std::string_view option);

// Whether `arg` is a numeric id: decimal digits only, at most 18 of them.
bool IsNumericId(std::string_view arg);

// The filter selecting the device named `name`: name = "NAME", with '"' and '\' escaped.
std::string NameFilter(std::string_view name);

}  // namespace custos::cli
