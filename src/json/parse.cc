#include <boost/json/parser.hpp>
#include <string>

#include "json/json.h"
#include "json/json_support.h"

namespace custos::json {

core::Result<boost::json::value> Parse(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::parser parser(boost::json::storage_ptr(), options);
  boost::system::error_code ec;
  // On failure write() returns how many bytes it accepted: the offset of the offending byte.
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec) {
    return detail::Invalid("invalid JSON at byte " + std::to_string(consumed) + ": " + ec.message(),
                           consumed);
  }
  return parser.release();
}

}  // namespace custos::json
