#include "lwm2m/format/detail/values.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace custos::lwm2m::format::detail {
namespace {

// 2^63 as a double: the first value past int64's range.
constexpr double kTwo63 = 9223372036854775808.0;

core::Result<Value> IntegralFrom(double d, ResourceType type) {
  if (!std::isfinite(d) || d != std::trunc(d)) {
    return Invalid(fmt::format("{} value {} is not an integer", ToString(type), d));
  }
  if (type == ResourceType::kUnsignedInteger) {
    if (d < 0 || d >= 2 * kTwo63) return Invalid(fmt::format("{} out of range", d));
    return Value{static_cast<std::uint64_t>(d)};
  }
  if (d < -kTwo63 || d >= kTwo63) return Invalid(fmt::format("{} out of range", d));
  auto i = static_cast<std::int64_t>(d);
  if (type == ResourceType::kTime) return Value{TimeValue{i}};
  return Value{i};
}

}  // namespace

std::optional<ResourceType> TypeAt(const TypeResolver& types, const Path& path) {
  if (!types) return std::nullopt;
  return types(path);
}

core::Result<Value> TypedNumber(const Number& number, std::optional<ResourceType> type) {
  if (!type) {
    if (auto* d = std::get_if<double>(&number)) {
      if (!std::isfinite(*d)) return Invalid("number is not finite");
      return Value{*d};
    }
    if (auto* u = std::get_if<std::uint64_t>(&number)) {
      if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value{static_cast<std::int64_t>(*u)};
      }
      return Value{*u};
    }
    return Value{std::get<std::int64_t>(number)};
  }
  switch (*type) {
    case ResourceType::kFloat:
      return std::visit(
          [](auto n) -> core::Result<Value> {
            auto d = static_cast<double>(n);
            if (!std::isfinite(d)) return Invalid("number is not finite");
            return Value{d};
          },
          number);
    case ResourceType::kInteger:
    case ResourceType::kTime:
      if (auto* i = std::get_if<std::int64_t>(&number)) {
        if (*type == ResourceType::kTime) return Value{TimeValue{*i}};
        return Value{*i};
      }
      if (auto* u = std::get_if<std::uint64_t>(&number)) {
        if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return Invalid(fmt::format("{} out of range for {}", *u, ToString(*type)));
        }
        auto i = static_cast<std::int64_t>(*u);
        if (*type == ResourceType::kTime) return Value{TimeValue{i}};
        return Value{i};
      }
      return IntegralFrom(std::get<double>(number), *type);
    case ResourceType::kUnsignedInteger:
      if (auto* i = std::get_if<std::int64_t>(&number)) {
        if (*i < 0) return Invalid(fmt::format("{} is negative for Unsigned Integer", *i));
        return Value{static_cast<std::uint64_t>(*i)};
      }
      if (auto* u = std::get_if<std::uint64_t>(&number)) return Value{*u};
      return IntegralFrom(std::get<double>(number), *type);
    default:
      return Invalid(fmt::format("a number for a {} resource", ToString(*type)));
  }
}

std::optional<Number> NumberOf(const Value& value) {
  if (auto* i = std::get_if<std::int64_t>(&value)) return Number{*i};
  if (auto* u = std::get_if<std::uint64_t>(&value)) return Number{*u};
  if (auto* d = std::get_if<double>(&value)) return Number{*d};
  if (auto* t = std::get_if<TimeValue>(&value)) return Number{t->seconds};
  return std::nullopt;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  if (text.empty() || text[0] == '+') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> ParseUint64(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseFloat(std::string_view text) {
  // from_chars also reads "inf", "nan" and hex digits after "0x"-less input; allow only the
  // characters of a decimal number.
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  if (text[0] == '+') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<ObjectLink> ParseObjectLink(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto object = ParseUint64(text.substr(0, colon));
  auto instance = ParseUint64(text.substr(colon + 1));
  if (!object || !instance || *object > 65535 || *instance > 65535) return std::nullopt;
  return ObjectLink{static_cast<std::uint16_t>(*object), static_cast<std::uint16_t>(*instance)};
}

std::string FormatFloat(double value) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), end);
}

std::string FormatObjectLink(const ObjectLink& link) {
  return fmt::format("{}:{}", link.object, link.instance);
}

bool IsUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (text.size() - i <= static_cast<std::size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000) || code > 0x10FFFF ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace custos::lwm2m::format::detail
