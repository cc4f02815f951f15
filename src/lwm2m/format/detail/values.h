// Internal to lwm2m/format: the value conversions every format shares — numbers typed by the
// resolver, the text forms of plain text and of the JSON string fields, base64, UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace custos::lwm2m::format::detail {

inline tl::unexpected<core::Error> Invalid(std::string message,
                                           std::optional<std::size_t> position = std::nullopt) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, std::move(message), position);
}

// The resolver's answer for `path`; nullopt when it has none or is empty.
std::optional<ResourceType> TypeAt(const TypeResolver& types, const Path& path);

// A number as the wire gave it: JSON and CBOR distinguish these three.
using Number = std::variant<std::int64_t, std::uint64_t, double>;

// A number for a resource of `type`: Integer and Time take integral values within int64,
// Unsigned Integer within uint64, Float any finite value; with no type an integer stays one
// (uint64 only above int64's range) and a fraction a Float. Any other type refuses a number.
core::Result<Value> TypedNumber(const Number& number, std::optional<ResourceType> type);
// The number of a numeric value (Integer, Unsigned Integer, Float, Time), else nullopt.
std::optional<Number> NumberOf(const Value& value);

// Plain-text forms (TS Core, Data Formats): decimal integers without sign for unsigned, "0"/"1",
// "oid:iid", base64 for Opaque. Strict: the whole text, no blanks, no "+", no "inf"/"nan".
std::optional<std::int64_t> ParseInt64(std::string_view text);
std::optional<std::uint64_t> ParseUint64(std::string_view text);
std::optional<double> ParseFloat(std::string_view text);
std::optional<ObjectLink> ParseObjectLink(std::string_view text);
// Shortest text that reads back to the same double ("22.9", "1e+21"); finite values only.
std::string FormatFloat(double value);
std::string FormatObjectLink(const ObjectLink& link);

// Base64 (RFC 4648): the standard alphabet with padding, or the URL alphabet without it
// (RFC 8428's "vd"). Decoding takes either alphabet (not both in one text), padding optional
// but exact when present, no blanks, zero trailing bits.
std::string Base64Encode(std::span<const std::uint8_t> bytes, bool url);
std::optional<Opaque> Base64Decode(std::string_view text);

// Whether `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing over U+10FFFF).
bool IsUtf8(std::string_view text);

}  // namespace custos::lwm2m::format::detail
