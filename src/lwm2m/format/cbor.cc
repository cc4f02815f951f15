#include "lwm2m/format/detail/cbor.h"

#include <cbor.h>
#include <fmt/format.h>

#include <array>
#include <cmath>

#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

// The decoder's context: the item a callback fills, and whether any callback ran (libcbor
// may consume an item, such as an unassigned simple value, without calling one).
struct Decoded {
  CborItem item;
  bool seen = false;
};

CborItem& ItemOf(void* context) {
  auto* decoded = static_cast<Decoded*>(context);
  decoded->seen = true;
  return decoded->item;
}

template <CborKind kKind, class T>
void OnUnsigned(void* context, T value) {
  ItemOf(context).kind = kKind;
  ItemOf(context).value = value;
}
void OnBytes(void* context, cbor_data data, std::size_t length) {
  ItemOf(context).kind = CborKind::kBytes;
  ItemOf(context).data = {data, length};
}
void OnBytesStart(void* context) {
  ItemOf(context).kind = CborKind::kBytes;
  ItemOf(context).indefinite = true;
}
void OnText(void* context, cbor_data data, std::size_t length) {
  ItemOf(context).kind = CborKind::kText;
  ItemOf(context).data = {data, length};
}
void OnTextStart(void* context) {
  ItemOf(context).kind = CborKind::kText;
  ItemOf(context).indefinite = true;
}
template <CborKind kKind>
void OnCollection(void* context, std::size_t size) {
  ItemOf(context).kind = kKind;
  ItemOf(context).value = size;
}
template <CborKind kKind>
void OnIndefinite(void* context) {
  ItemOf(context).kind = kKind;
  ItemOf(context).indefinite = true;
}
void OnFloat(void* context, float value) {
  ItemOf(context).kind = CborKind::kFloat;
  ItemOf(context).number = value;
}
void OnDouble(void* context, double value) {
  ItemOf(context).kind = CborKind::kFloat;
  ItemOf(context).number = value;
}
void OnBool(void* context, bool value) {
  ItemOf(context).kind = CborKind::kBool;
  ItemOf(context).boolean = value;
}
template <CborKind kKind>
void OnSimple(void* context) {
  ItemOf(context).kind = kKind;
}

const cbor_callbacks kCallbacks = {
    .uint8 = OnUnsigned<CborKind::kUnsigned, std::uint8_t>,
    .uint16 = OnUnsigned<CborKind::kUnsigned, std::uint16_t>,
    .uint32 = OnUnsigned<CborKind::kUnsigned, std::uint32_t>,
    .uint64 = OnUnsigned<CborKind::kUnsigned, std::uint64_t>,
    .negint64 = OnUnsigned<CborKind::kNegative, std::uint64_t>,
    .negint32 = OnUnsigned<CborKind::kNegative, std::uint32_t>,
    .negint16 = OnUnsigned<CborKind::kNegative, std::uint16_t>,
    .negint8 = OnUnsigned<CborKind::kNegative, std::uint8_t>,
    .byte_string_start = OnBytesStart,
    .byte_string = OnBytes,
    .string = OnText,
    .string_start = OnTextStart,
    .indef_array_start = OnIndefinite<CborKind::kArray>,
    .array_start = OnCollection<CborKind::kArray>,
    .indef_map_start = OnIndefinite<CborKind::kMap>,
    .map_start = OnCollection<CborKind::kMap>,
    .tag = OnUnsigned<CborKind::kTag, std::uint64_t>,
    .float2 = OnFloat,
    .float4 = OnFloat,
    .float8 = OnDouble,
    .undefined = OnSimple<CborKind::kUndefined>,
    .null = OnSimple<CborKind::kNull>,
    .boolean = OnBool,
    .indef_break = OnSimple<CborKind::kBreak>,
};

// Whether the half-precision encoding of `f` reads back as `f`.
bool HalfHolds(float f) {
  std::array<unsigned char, 3> half{};
  if (cbor_encode_half(f, half.data(), half.size()) != 3) return false;
  Decoded decoded;
  auto result = cbor_stream_decode(half.data(), half.size(), &kCallbacks, &decoded);
  return result.status == CBOR_DECODER_FINISHED && decoded.seen &&
         decoded.item.kind == CborKind::kFloat && decoded.item.number == static_cast<double>(f);
}

}  // namespace

core::Result<CborItem> CborReader::Next() {
  if (AtEnd()) return Invalid("CBOR ends inside an item", pos_);
  Decoded decoded;
  auto result =
      cbor_stream_decode(bytes_.data() + pos_, bytes_.size() - pos_, &kCallbacks, &decoded);
  if (result.status == CBOR_DECODER_NEDATA) return Invalid("CBOR ends inside an item", pos_);
  if (result.status != CBOR_DECODER_FINISHED || result.read == 0 || !decoded.seen) {
    return Invalid("malformed or unsupported CBOR item", pos_);
  }
  decoded.item.offset = pos_;
  pos_ += result.read;
  return decoded.item;
}

core::Result<std::string> CborReader::ReadString(const CborItem& head) {
  if (!head.indefinite) return std::string(head.data.begin(), head.data.end());
  std::string out;
  for (;;) {
    auto chunk = Next();
    if (!chunk) return tl::unexpected(chunk.error());
    if (chunk->kind == CborKind::kBreak) return out;
    if (chunk->kind != head.kind || chunk->indefinite) {
      return Invalid("CBOR string chunk of another kind", chunk->offset);
    }
    out.append(chunk->data.begin(), chunk->data.end());
  }
}

core::Result<void> CborReader::Skip(const CborItem& head, int depth) {
  if (depth > 16) return Invalid("CBOR nested too deep", head.offset);
  switch (head.kind) {
    case CborKind::kBytes:
    case CborKind::kText:
      if (auto s = ReadString(head); !s) return tl::unexpected(s.error());
      return {};
    case CborKind::kTag: {
      auto inner = Next();
      if (!inner) return tl::unexpected(inner.error());
      return Skip(*inner, depth + 1);
    }
    case CborKind::kArray:
    case CborKind::kMap: {
      std::uint64_t per_entry = head.kind == CborKind::kMap ? 2 : 1;
      for (std::uint64_t i = 0; head.indefinite || i < head.value * per_entry; ++i) {
        auto inner = Next();
        if (!inner) return tl::unexpected(inner.error());
        if (inner->kind == CborKind::kBreak) {
          if (head.indefinite && i % per_entry == 0) return {};
          return Invalid("unexpected CBOR break", inner->offset);
        }
        if (auto ok = Skip(*inner, depth + 1); !ok) return ok;
      }
      return {};
    }
    case CborKind::kBreak:
      return Invalid("unexpected CBOR break", head.offset);
    default:
      return {};
  }
}

template <class F>
void CborWriter::Head(F encode) {
  std::array<unsigned char, 9> head{};
  std::size_t n = encode(head.data(), head.size());
  out_.insert(out_.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
}

void CborWriter::Unsigned(std::uint64_t value) {
  Head([&](unsigned char* b, std::size_t n) { return cbor_encode_uint(value, b, n); });
}

void CborWriter::Integer(std::int64_t value) {
  if (value >= 0) return Unsigned(static_cast<std::uint64_t>(value));
  auto magnitude = static_cast<std::uint64_t>(-(value + 1));
  Head([&](unsigned char* b, std::size_t n) { return cbor_encode_negint(magnitude, b, n); });
}

void CborWriter::Float(double value) {
  auto f = static_cast<float>(value);
  if (std::isnan(value) || (static_cast<double>(f) == value && HalfHolds(f))) {
    Head([&](unsigned char* b, std::size_t n) { return cbor_encode_half(f, b, n); });
  } else if (static_cast<double>(f) == value) {
    Head([&](unsigned char* b, std::size_t n) { return cbor_encode_single(f, b, n); });
  } else {
    Head([&](unsigned char* b, std::size_t n) { return cbor_encode_double(value, b, n); });
  }
}

void CborWriter::Bool(bool value) {
  Head([&](unsigned char* b, std::size_t n) { return cbor_encode_bool(value, b, n); });
}

void CborWriter::Text(std::string_view text) {
  Head(
      [&](unsigned char* b, std::size_t n) { return cbor_encode_string_start(text.size(), b, n); });
  out_.insert(out_.end(), text.begin(), text.end());
}

void CborWriter::Bytes(std::span<const std::uint8_t> bytes) {
  Head([&](unsigned char* b, std::size_t n) {
    return cbor_encode_bytestring_start(bytes.size(), b, n);
  });
  out_.insert(out_.end(), bytes.begin(), bytes.end());
}

void CborWriter::ArrayStart(std::size_t size) {
  Head([&](unsigned char* b, std::size_t n) { return cbor_encode_array_start(size, b, n); });
}

void CborWriter::MapStart(std::size_t size) {
  Head([&](unsigned char* b, std::size_t n) { return cbor_encode_map_start(size, b, n); });
}

}  // namespace custos::lwm2m::format::detail
