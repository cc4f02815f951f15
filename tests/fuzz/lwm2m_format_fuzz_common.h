// Shared by the lwm2m_*_fuzz targets: decodes the input in one content format and checks the
// decoder's contract — what it accepts is inside the request path and encodes back to bytes
// that decode to the same records; what it refuses is kInvalidArgument with an offset inside
// the input. The first input byte picks the request path and whether the model knows the
// resources' types; the rest is the payload.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "lwm2m/format/format.h"

namespace custos::lwm2m::format::fuzz {

inline Path BaseFor(std::uint8_t selector) {
  static const Path kBases[] = {
      Path::Root(),
      Path::Object(3),
      Path::Instance(3, 0),
      Path::Resource(3, 0, 7),
      Path::ResourceInstance(3, 0, 7, 1),
      Path::Object(1024),
      Path::Instance(1024, 0),
      Path::Resource(1024, 0, 5),
  };
  return kBases[selector % std::size(kBases)];
}

// Types by resource id, so that every type shows up; nullopt past the table.
inline TypeResolver TypesFor(std::uint8_t selector) {
  if ((selector & 0x80) == 0) return {};
  return [](const Path& path) -> std::optional<ResourceType> {
    static constexpr ResourceType kTypes[] = {
        ResourceType::kString,     ResourceType::kInteger,         ResourceType::kFloat,
        ResourceType::kBoolean,    ResourceType::kOpaque,          ResourceType::kTime,
        ResourceType::kObjectLink, ResourceType::kUnsignedInteger, ResourceType::kCoreLink,
        ResourceType::kNone};
    if (!path.resource || *path.resource >= std::size(kTypes) * 2) return std::nullopt;
    return kTypes[*path.resource % std::size(kTypes)];
  };
}

// Equal, with NaN equal to NaN, and an untyped Time equal to its Integer (LwM2M CBOR's tag 1
// makes a Time of an integer the model does not type; re-encoded, it is a bare integer).
inline bool SameValue(const Value& a, const Value& b) {
  auto* da = std::get_if<double>(&a);
  auto* db = std::get_if<double>(&b);
  if (da && db && std::isnan(*da) && std::isnan(*db)) return true;
  auto* ta = std::get_if<TimeValue>(&a);
  auto* ib = std::get_if<std::int64_t>(&b);
  if (ta && ib) return ta->seconds == *ib;
  return a == b;
}

inline std::vector<Record> Sorted(std::vector<Record> records) {
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.path != b.path) return a.path < b.path;
    return a.time < b.time;
  });
  return records;
}

inline void CheckRefusal(const core::Error& error, std::size_t size) {
  if (error.code != core::ErrorCode::kInvalidArgument) std::abort();
  if (error.position && *error.position > size) std::abort();
}

inline int Check(ContentFormat format, const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Path base = BaseFor(data[0]);
  const TypeResolver types = TypesFor(data[0]);
  std::span<const std::uint8_t> payload(data + 1, size - 1);
  auto records = Decode(format, payload, base, types);
  if (!records) {
    CheckRefusal(records.error(), payload.size());
    return 0;
  }
  for (const auto& record : *records) {
    if (record.path.depth() < 3 || !base.Contains(record.path)) std::abort();
    if (record.time && !std::isfinite(*record.time)) std::abort();
  }
  auto bytes = Encode(format, *records, base);
  if (!bytes) std::abort();  // what a format decodes, it can encode
  auto again = Decode(format, *bytes, base, types);
  if (!again) std::abort();
  auto want = Sorted(*records);
  auto got = Sorted(*again);
  if (want.size() != got.size()) std::abort();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].path != got[i].path || want[i].time != got[i].time) std::abort();
    if (!SameValue(want[i].value, got[i].value)) std::abort();
  }
  return 0;
}

}  // namespace custos::lwm2m::format::fuzz
