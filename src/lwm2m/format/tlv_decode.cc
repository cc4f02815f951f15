// TLV decoding (TS Core, Data Formats): nested elements down to resource values, strict about
// lengths, nesting and value sizes.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/records.h"
#include "lwm2m/format/detail/tlv.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

const char* KindName(TlvKind kind) {
  switch (kind) {
    case TlvKind::kObjectInstance:
      return "object instance";
    case TlvKind::kResourceInstance:
      return "resource instance";
    case TlvKind::kMultipleResource:
      return "multiple resource";
    case TlvKind::kResource:
      return "resource";
  }
  return "?";
}

struct TlvElement {
  TlvKind kind;
  std::uint16_t id;
  std::size_t start;  // offset of the type byte
  std::size_t value;  // offset of the value
  std::size_t length;
};

core::Result<TlvElement> ReadElement(Payload bytes, std::size_t pos, std::size_t end) {
  TlvElement e{};
  e.start = pos;
  std::uint8_t type = bytes[pos];
  e.kind = static_cast<TlvKind>(type >> 6);
  std::size_t id_size = (type & 0x20) ? 2 : 1;
  std::size_t length_size = (type >> 3) & 0x03;
  std::size_t header = 1 + id_size + length_size;
  if (end - pos < header) return Invalid("TLV header runs past the end", pos);
  e.id = bytes[pos + 1];
  if (id_size == 2) e.id = static_cast<std::uint16_t>((e.id << 8) | bytes[pos + 2]);
  if (e.id == 65535) return Invalid("TLV identifier 65535 is reserved", pos + 1);
  if (length_size == 0) {
    e.length = type & 0x07;
  } else {
    if ((type & 0x07) != 0) return Invalid("TLV length bits set beside a length field", pos);
    e.length = 0;
    for (std::size_t i = 0; i < length_size; ++i) {
      e.length = (e.length << 8) | bytes[pos + 1 + id_size + i];
    }
  }
  e.value = pos + header;
  if (end - e.value < e.length) {
    return Invalid(
        fmt::format("TLV {} {} of length {} runs past the end", KindName(e.kind), e.id, e.length),
        pos);
  }
  return e;
}

std::int64_t BigEndianSigned(const std::uint8_t* p, std::size_t n) {
  std::uint64_t u = (p[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (std::size_t i = 0; i < n; ++i) u = (u << 8) | p[i];
  return static_cast<std::int64_t>(u);
}

std::uint64_t BigEndianUnsigned(const std::uint8_t* p, std::size_t n) {
  std::uint64_t u = 0;
  for (std::size_t i = 0; i < n; ++i) u = (u << 8) | p[i];
  return u;
}

core::Result<Value> ReadValue(Payload bytes, const TlvElement& e, std::optional<ResourceType> type,
                              const Path& path) {
  const std::uint8_t* p = bytes.data() + e.value;
  std::size_t n = e.length;
  auto refuse = [&](std::string_view what) {
    return Invalid(fmt::format("TLV value of {} ({} bytes) is not {}", ToString(path), n, what),
                   e.value);
  };
  if (!type || *type == ResourceType::kOpaque) return Value{Opaque(p, p + n)};
  bool int_size = n == 1 || n == 2 || n == 4 || n == 8;
  switch (*type) {
    case ResourceType::kString:
    case ResourceType::kCoreLink: {
      std::string text(reinterpret_cast<const char*>(p), n);
      if (!IsUtf8(text)) return refuse("UTF-8");
      if (*type == ResourceType::kCoreLink) return Value{CoreLink{std::move(text)}};
      return Value{std::move(text)};
    }
    case ResourceType::kInteger:
      if (!int_size) return refuse("an Integer of 1, 2, 4 or 8 bytes");
      return Value{BigEndianSigned(p, n)};
    case ResourceType::kTime:
      if (!int_size) return refuse("a Time of 1, 2, 4 or 8 bytes");
      return Value{TimeValue{BigEndianSigned(p, n)}};
    case ResourceType::kUnsignedInteger:
      if (!int_size) return refuse("an Unsigned Integer of 1, 2, 4 or 8 bytes");
      return Value{BigEndianUnsigned(p, n)};
    case ResourceType::kFloat:
      if (n == 4) {
        auto bits = static_cast<std::uint32_t>(BigEndianUnsigned(p, 4));
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        return Value{static_cast<double>(f)};
      }
      if (n == 8) {
        std::uint64_t bits = BigEndianUnsigned(p, 8);
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        return Value{d};
      }
      return refuse("a Float of 4 or 8 bytes");
    case ResourceType::kBoolean:
      if (n != 1 || p[0] > 1) return refuse("a Boolean (one byte, 0 or 1)");
      return Value{p[0] == 1};
    case ResourceType::kObjectLink:
      if (n != 4) return refuse("an Objlnk of 4 bytes");
      return Value{ObjectLink{static_cast<std::uint16_t>(BigEndianUnsigned(p, 2)),
                              static_cast<std::uint16_t>(BigEndianUnsigned(p + 2, 2))}};
    default:
      return refuse("a value: the resource has none (executable)");
  }
}

class Decoder {
 public:
  Decoder(Payload bytes, const TypeResolver& types) : bytes_(bytes), types_(types) {}

  // The elements in [begin, end) under `parent`; `allowed` the kinds that may stand there.
  core::Result<void> Level(std::size_t begin, std::size_t end, const Path& parent,
                           std::initializer_list<TlvKind> allowed) {
    std::size_t pos = begin;
    while (pos < end) {
      auto e = ReadElement(bytes_, pos, end);
      if (!e) return tl::unexpected(e.error());
      if (std::find(allowed.begin(), allowed.end(), e->kind) == allowed.end()) {
        return Invalid(fmt::format("TLV {} {} cannot stand under {}", KindName(e->kind), e->id,
                                   ToString(parent)),
                       pos);
      }
      if (auto ok = Element(*e, Child(parent, e->id)); !ok) return ok;
      pos = e->value + e->length;
    }
    return {};
  }

  core::Result<void> Element(const TlvElement& e, const Path& path) {
    std::size_t end = e.value + e.length;
    switch (e.kind) {
      case TlvKind::kObjectInstance:
        return Level(e.value, end, path, {TlvKind::kResource, TlvKind::kMultipleResource});
      case TlvKind::kMultipleResource:
        return Level(e.value, end, path, {TlvKind::kResourceInstance});
      default: {
        auto value = ReadValue(bytes_, e, TypeAt(types_, path), path);
        if (!value) return tl::unexpected(value.error());
        records_.push_back(Record{path, std::move(*value), std::nullopt});
        return {};
      }
    }
  }

  Records Take() { return std::move(records_); }

 private:
  Payload bytes_;
  const TypeResolver& types_;
  Records records_;
};

}  // namespace

core::Result<Records> DecodeTlv(Payload payload, const Path& base, const TypeResolver& types) {
  Decoder decoder(payload, types);
  std::size_t pos = 0;
  while (pos < payload.size()) {
    auto e = ReadElement(payload, pos, payload.size());
    if (!e) return tl::unexpected(e.error());
    // A top-level element continues the request path at its own level: a Read of /3/0 may
    // answer with resources or with the instance around them, a Read of /3/0/6 with resource
    // instances or with the multiple resource around them.
    int level = LevelOf(e->kind);
    if (base.depth() < level - 1) {
      return Invalid(fmt::format("TLV {} {} needs a request path of depth {} (got {})",
                                 KindName(e->kind), e->id, level - 1, ToString(base)),
                     pos);
    }
    if (base.depth() >= level && LevelId(base, level) != e->id) {
      return Invalid(fmt::format("TLV {} {} is not on the request path {}", KindName(e->kind),
                                 e->id, ToString(base)),
                     pos);
    }
    Path path = Child(Truncate(base, level - 1), e->id);
    if (auto ok = decoder.Element(*e, path); !ok) return tl::unexpected(ok.error());
    pos = e->value + e->length;
  }
  Records records = decoder.Take();
  if (auto ok = CheckRecords(records, base, "TLV", false); !ok) {
    return tl::unexpected(ok.error());
  }
  return records;
}

}  // namespace custos::lwm2m::format::detail
