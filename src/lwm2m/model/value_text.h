// Internal to the typed JSON form: the text spellings of the value types JSON has no type
// for. Not part of the module's interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/value.h"

namespace custos::lwm2m::text {

// RFC 4648 §4 base64 with padding.
std::string EncodeBase64(const Opaque& bytes);
// Base64 with or without padding; whitespace is not allowed. nullopt when malformed.
std::optional<Opaque> DecodeBase64(std::string_view text);

// "2023-11-14T22:13:20Z" (UTC, proleptic Gregorian, years 0000-9999 else "+/-YYYYY").
std::string FormatIso8601(std::int64_t seconds);
// "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM" (a space for the "T" and "z" are
// accepted, fractions of seconds are not); seconds since the epoch, or nullopt.
std::optional<std::int64_t> ParseIso8601(std::string_view text);

// "3:0".
std::string FormatObjectLink(const ObjectLink& link);
// "3:0", each part 0..65535; nullopt otherwise.
std::optional<ObjectLink> ParseObjectLink(std::string_view text);

}  // namespace custos::lwm2m::text
