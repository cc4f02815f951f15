// LwM2M resource values (TS Core Appendix C, data types) and the flat list of path/value
// records that every content format decodes to and encodes from.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lwm2m/path.h"

namespace custos::lwm2m {

// The data types of TS Core Appendix C. kNone is an executable resource's (no value).
enum class ResourceType {
  kNone,
  kString,
  kInteger,
  kUnsignedInteger,
  kFloat,
  kBoolean,
  kOpaque,
  kTime,
  kObjectLink,
  kCoreLink,
};

// "String", "Integer", "Unsigned Integer", "Float", "Boolean", "Opaque", "Time", "Objlnk",
// "Corelnk", "none" — the spellings of the OMA object definition files.
const char* ToString(ResourceType type);
std::optional<ResourceType> ParseResourceType(std::string_view text);

struct TimeValue {  // seconds since the Unix epoch, signed
  std::int64_t seconds = 0;
  bool operator==(const TimeValue&) const = default;
};
struct ObjectLink {  // "Objlnk": object id and instance id; 65535:65535 is the null link
  std::uint16_t object = 0;
  std::uint16_t instance = 0;
  bool operator==(const ObjectLink&) const = default;
};
struct CoreLink {  // "Corelnk": RFC 6690 link-format text
  std::string text;
  bool operator==(const CoreLink&) const = default;
};

using Opaque = std::vector<std::uint8_t>;
using Value = std::variant<std::string, std::int64_t, std::uint64_t, double, bool, Opaque,
                           TimeValue, ObjectLink, CoreLink>;

ResourceType TypeOf(const Value& value);

// One value at one path (a resource or a resource instance), with the time it was measured
// when the format carries one (SenML "t", LwM2M JSON "t"; seconds since the epoch).
struct Record {
  Path path;
  Value value;
  std::optional<double> time;
  bool operator==(const Record&) const = default;
};

// The type of the resource at a path, from the object model, or nullopt when unknown.
// Formats that do not carry types (TLV, plain text, opaque, CBOR numbers) use it to decode.
using TypeResolver = std::function<std::optional<ResourceType>(const Path& path)>;

}  // namespace custos::lwm2m
