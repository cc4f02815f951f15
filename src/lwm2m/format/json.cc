#include "lwm2m/format/detail/json.h"

#include <boost/json/parser.hpp>
#include <fmt/format.h>

namespace custos::lwm2m::format::detail {

core::Result<boost::json::value> ParseJson(Payload payload, std::string_view format) {
  boost::json::parse_options options;
  options.max_depth = 8;  // the formats nest three deep; anything deeper is not ours
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec) {
    return Invalid(fmt::format("{}: invalid JSON at byte {}: {}", format, consumed, ec.message()),
                   consumed);
  }
  return parser.release();
}

std::optional<Number> JsonNumber(const boost::json::value& value) {
  if (value.is_int64()) return Number{value.get_int64()};
  if (value.is_uint64()) return Number{value.get_uint64()};
  if (value.is_double()) return Number{value.get_double()};
  return std::nullopt;
}

}  // namespace custos::lwm2m::format::detail
