// TLV encoding (TS Core, Data Formats): the shortest header and the shortest integer that holds
// each value, elements nested as deep as the request path leaves them.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/records.h"
#include "lwm2m/format/detail/tlv.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

using Sorted = std::span<const Record* const>;

void AppendBigEndian(Bytes& out, std::uint64_t value, std::size_t n) {
  for (std::size_t i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

core::Result<void> AppendElement(Bytes& out, TlvKind kind, std::uint16_t id,
                                 std::span<const std::uint8_t> value) {
  std::size_t n = value.size();
  if (n > kTlvMaxLength) return Invalid(fmt::format("TLV value of {} bytes is too long", n));
  std::uint8_t type = static_cast<std::uint8_t>(kind) << 6;
  if (id > 0xFF) type |= 0x20;
  std::size_t length_size = n <= 7 ? 0 : n <= 0xFF ? 1 : n <= 0xFFFF ? 2 : 3;
  type |= length_size == 0 ? static_cast<std::uint8_t>(n) : length_size << 3;
  out.push_back(type);
  AppendBigEndian(out, id, id > 0xFF ? 2 : 1);
  AppendBigEndian(out, n, length_size);
  out.insert(out.end(), value.begin(), value.end());
  return {};
}

Bytes SignedBytes(std::int64_t v) {
  Bytes out;
  std::size_t n = (v >= -128 && v <= 127)              ? 1
                  : (v >= -32768 && v <= 32767)        ? 2
                  : (v >= INT32_MIN && v <= INT32_MAX) ? 4
                                                       : 8;
  AppendBigEndian(out, static_cast<std::uint64_t>(v), n);
  return out;
}

Bytes UnsignedBytes(std::uint64_t v) {
  Bytes out;
  std::size_t n = v <= 0xFF ? 1 : v <= 0xFFFF ? 2 : v <= 0xFFFFFFFF ? 4 : 8;
  AppendBigEndian(out, v, n);
  return out;
}

struct ValueBytes {
  Bytes operator()(const std::string& s) const { return Bytes(s.begin(), s.end()); }
  Bytes operator()(std::int64_t v) const { return SignedBytes(v); }
  Bytes operator()(std::uint64_t v) const { return UnsignedBytes(v); }
  Bytes operator()(double v) const {
    Bytes out;
    auto f = static_cast<float>(v);
    // Four bytes when they hold the value exactly, as TS Core allows either width.
    if (static_cast<double>(f) == v || std::isnan(v)) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      AppendBigEndian(out, bits, 4);
    } else {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      AppendBigEndian(out, bits, 8);
    }
    return out;
  }
  Bytes operator()(bool v) const { return Bytes{static_cast<std::uint8_t>(v ? 1 : 0)}; }
  Bytes operator()(const Opaque& v) const { return v; }
  Bytes operator()(const TimeValue& v) const { return SignedBytes(v.seconds); }
  Bytes operator()(const ObjectLink& v) const {
    Bytes out;
    AppendBigEndian(out, v.object, 2);
    AppendBigEndian(out, v.instance, 2);
    return out;
  }
  Bytes operator()(const CoreLink& v) const { return Bytes(v.text.begin(), v.text.end()); }
};

// The records of one resource (a value at the resource, or its instances) as one element.
core::Result<void> AppendResource(Bytes& out, Sorted group) {
  const Path& first = group.front()->path;
  std::uint16_t id = *first.resource;
  if (group.size() == 1 && first.depth() == 3) {
    return AppendElement(out, TlvKind::kResource, id, std::visit(ValueBytes{}, group[0]->value));
  }
  Bytes inner;
  for (const Record* r : group) {
    if (r->path.depth() != 4) {
      return Invalid(fmt::format("TLV: {} has both a value and instances", ToString(r->path)));
    }
    auto ok = AppendElement(inner, TlvKind::kResourceInstance, *r->path.resource_instance,
                            std::visit(ValueBytes{}, r->value));
    if (!ok) return ok;
  }
  return AppendElement(out, TlvKind::kMultipleResource, id, inner);
}

// Splits `sorted` into runs that share the id at `level` and hands each to `each`.
template <class F>
core::Result<void> ForEachGroup(Sorted sorted, int level, F each) {
  std::size_t begin = 0;
  while (begin < sorted.size()) {
    std::size_t end = begin + 1;
    std::uint16_t id = LevelId(sorted[begin]->path, level);
    while (end < sorted.size() && LevelId(sorted[end]->path, level) == id) ++end;
    if (auto ok = each(sorted.subspan(begin, end - begin)); !ok) return ok;
    begin = end;
  }
  return {};
}

core::Result<void> AppendResources(Bytes& out, Sorted sorted) {
  return ForEachGroup(sorted, 3, [&](Sorted group) { return AppendResource(out, group); });
}

}  // namespace

core::Result<Bytes> EncodeTlv(std::span<const Record> records, const Path& base) {
  if (base.depth() == 0 && !records.empty()) {
    return Invalid("TLV carries one object at most: encode from an object path");
  }
  if (auto ok = CheckRecords(records, base, "TLV", false); !ok) return tl::unexpected(ok.error());
  auto sorted = SortedByPath(records);
  Bytes out;
  core::Result<void> ok;
  switch (base.depth()) {
    case 1:  // object: its instances, each around its resources
      ok = ForEachGroup(sorted, 2, [&](Sorted group) -> core::Result<void> {
        Bytes inner;
        if (auto r = AppendResources(inner, group); !r) return r;
        return AppendElement(out, TlvKind::kObjectInstance, *group[0]->path.instance, inner);
      });
      break;
    case 2:  // instance: its resources
      ok = AppendResources(out, sorted);
      break;
    case 3:  // resource: its value, or its instances inside a multiple resource
      if (!sorted.empty()) ok = AppendResource(out, sorted);
      break;
    default:  // resource instance
      if (!sorted.empty()) {
        ok = AppendElement(out, TlvKind::kResourceInstance, *base.resource_instance,
                           std::visit(ValueBytes{}, sorted[0]->value));
      }
      break;
  }
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

}  // namespace custos::lwm2m::format::detail
