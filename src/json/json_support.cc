#include "json/json_support.h"

#include "json/json.h"

namespace custos::json::detail {

tl::unexpected<core::Error> Invalid(std::string message, std::optional<std::size_t> position) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, std::move(message), position);
}

const char* KindName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

boost::json::value Embedded(std::string_view json_text) {
  auto parsed = Parse(json_text);
  if (!parsed) return boost::json::value(json_text);
  return std::move(*parsed);
}

boost::json::object LabelsJson(const core::Labels& labels) {
  boost::json::object o;
  for (const auto& [key, value] : labels) o[key] = value;
  return o;
}

boost::json::value Time(std::optional<core::TimeMs> t) {
  if (!t) return nullptr;
  return boost::json::value(core::FormatTime(*t));
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

}  // namespace custos::json::detail
