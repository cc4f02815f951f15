// JSON output (-o json): the server's JSON, pretty-printed with two-space indents.
#pragma once

#include <boost/json/value.hpp>
#include <ostream>
#include <string>

namespace custos::cli {

// `value` pretty-printed, every line after the first indented by `indent` spaces; no
// trailing newline.
std::string PrettyJson(const boost::json::value& value, std::size_t indent = 0);

// `value` and a newline.
void PrintJson(const boost::json::value& value, std::ostream& out);

}  // namespace custos::cli
