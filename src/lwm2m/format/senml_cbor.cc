// SenML CBOR (RFC 8428 §6, TS Core 1.1): an array of maps keyed by SenML's integer labels,
// with LwM2M's Objlnk under the text label "vlo".
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "lwm2m/format/detail/cbor.h"
#include "lwm2m/format/detail/senml.h"

namespace custos::lwm2m::format::detail {
namespace {

// RFC 8428 Table 6.
enum Label : std::int64_t {
  kBaseVersion = -1,
  kBaseName = -2,
  kBaseTime = -3,
  kBaseValue = -5,
  kName = 0,
  kValue = 2,
  kStringValue = 3,
  kBoolValue = 4,
  kTime = 6,
  kDataValue = 8,
};
constexpr std::string_view kObjlnkLabel = "vlo";

core::Result<Number> ReadNumber(const CborItem& item) {
  switch (item.kind) {
    case CborKind::kUnsigned:
      return Number{item.value};
    case CborKind::kNegative:
      if (item.value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Number{-1 - static_cast<std::int64_t>(item.value)};
      }
      return Number{-1.0 - static_cast<double>(item.value)};
    case CborKind::kFloat:
      return Number{item.number};
    default:
      return Invalid("SenML CBOR: expected a number", item.offset);
  }
}

core::Result<std::string> ReadText(CborReader& reader, const CborItem& item, bool bytes = false) {
  if (item.kind != (bytes ? CborKind::kBytes : CborKind::kText)) {
    return Invalid(bytes ? "SenML CBOR: expected a byte string" : "SenML CBOR: expected a text",
                   item.offset);
  }
  return reader.ReadString(item);
}

// Reads the value of `label` into `r`; unknown labels are skipped.
core::Result<void> ReadField(CborReader& reader, std::int64_t label, SenmlRecord& r) {
  auto value = reader.Next();
  if (!value) return tl::unexpected(value.error());
  auto number = [&](std::optional<Number>& slot) -> core::Result<void> {
    auto n = ReadNumber(*value);
    if (!n) return tl::unexpected(n.error());
    slot = *n;
    return {};
  };
  auto time = [&](std::optional<double>& slot) -> core::Result<void> {
    auto n = ReadNumber(*value);
    if (!n) return tl::unexpected(n.error());
    slot = std::visit([](auto x) { return double(x); }, *n);
    return {};
  };
  auto text = [&](std::optional<std::string>& slot, bool bytes = false) -> core::Result<void> {
    auto s = ReadText(reader, *value, bytes);
    if (!s) return tl::unexpected(s.error());
    slot = std::move(*s);
    return {};
  };
  switch (label) {
    case kBaseName:
      return text(r.bn);
    case kName:
      return text(r.n);
    case kBaseTime:
      return time(r.bt);
    case kTime:
      return time(r.t);
    case kBaseValue:
      return number(r.bv);
    case kValue:
      return number(r.v);
    case kStringValue:
      return text(r.vs);
    case kBoolValue:
      if (value->kind != CborKind::kBool)
        return Invalid("SenML CBOR: expected a boolean", value->offset);
      r.vb = value->boolean;
      return {};
    case kDataValue: {
      std::optional<std::string> bytes;
      if (auto ok = text(bytes, true); !ok) return ok;
      r.vd = Opaque(bytes->begin(), bytes->end());
      return {};
    }
    case kBaseVersion:
      if (value->kind != CborKind::kUnsigned || value->value > 10) {
        return Invalid("SenML CBOR: base version above 10", value->offset);
      }
      return {};
    default:
      return reader.Skip(*value);
  }
}

// An integer label; labels far out of the table map to one no field has.
std::int64_t LabelOf(const CborItem& key) {
  constexpr std::int64_t kUnknown = 1000;
  if (key.value >= static_cast<std::uint64_t>(kUnknown)) return kUnknown;
  auto magnitude = static_cast<std::int64_t>(key.value);
  return key.kind == CborKind::kUnsigned ? magnitude : -1 - magnitude;
}

core::Result<SenmlRecord> ReadRecord(CborReader& reader, const CborItem* head) {
  if (head->kind != CborKind::kMap) return Invalid("SenML CBOR: record is not a map", head->offset);
  SenmlRecord r;
  r.position = head->offset;
  for (std::uint64_t i = 0; head->indefinite || i < head->value; ++i) {
    auto key = reader.Next();
    if (!key) return tl::unexpected(key.error());
    if (key->kind == CborKind::kBreak && head->indefinite) break;
    core::Result<void> ok;
    if (key->kind == CborKind::kUnsigned || key->kind == CborKind::kNegative) {
      ok = ReadField(reader, LabelOf(*key), r);
    } else if (key->kind == CborKind::kText) {
      auto name = reader.ReadString(*key);
      if (!name) return tl::unexpected(name.error());
      if (*name == kObjlnkLabel) {
        auto value = reader.Next();
        if (!value) return tl::unexpected(value.error());
        auto s = ReadText(reader, *value);
        if (!s) return tl::unexpected(s.error());
        r.vlo = std::move(*s);
      } else if (!name->empty() && name->back() == '_') {
        return Invalid(fmt::format("SenML CBOR: must-understand field \"{}\"", *name), key->offset);
      } else {
        auto value = reader.Next();
        if (!value) return tl::unexpected(value.error());
        ok = reader.Skip(*value);
      }
    } else {
      return Invalid("SenML CBOR: label is neither an integer nor a text", key->offset);
    }
    if (!ok) return tl::unexpected(ok.error());
  }
  return r;
}

core::Result<std::vector<SenmlRecord>> ReadPack(Payload payload) {
  std::vector<SenmlRecord> pack;
  if (payload.empty()) return pack;
  CborReader reader(payload);
  auto head = reader.Next();
  if (!head) return tl::unexpected(head.error());
  if (head->kind != CborKind::kArray) return Invalid("SenML CBOR: not an array of records", 0);
  for (std::uint64_t i = 0; head->indefinite || i < head->value; ++i) {
    auto item = reader.Next();
    if (!item) return tl::unexpected(item.error());
    if (item->kind == CborKind::kBreak && head->indefinite) break;
    auto r = ReadRecord(reader, &*item);
    if (!r) return tl::unexpected(r.error());
    pack.push_back(std::move(*r));
  }
  if (!reader.AtEnd()) return Invalid("SenML CBOR: bytes after the pack", reader.offset());
  return pack;
}

void WriteNumber(CborWriter& w, const Number& n) {
  if (auto* i = std::get_if<std::int64_t>(&n)) return w.Integer(*i);
  if (auto* u = std::get_if<std::uint64_t>(&n)) return w.Unsigned(*u);
  w.Float(std::get<double>(n));
}

void WriteTime(CborWriter& w, double seconds) {
  // Integral times as integers, the shortest form, as RFC 8428 §6 suggests.
  if (seconds == std::trunc(seconds) && std::fabs(seconds) < 9007199254740992.0) {
    return w.Integer(static_cast<std::int64_t>(seconds));
  }
  w.Float(seconds);
}

Bytes WritePack(const std::vector<SenmlRecord>& pack) {
  CborWriter w;
  w.ArrayStart(pack.size());
  for (const auto& r : pack) {
    std::size_t fields = r.bn.has_value() + r.bt.has_value() + r.n.has_value() + r.v.has_value() +
                         r.vs.has_value() + r.vb.has_value() + r.vd.has_value() +
                         r.vlo.has_value() + r.t.has_value();
    w.MapStart(fields);
    if (r.bn) {
      w.Integer(kBaseName);
      w.Text(*r.bn);
    }
    if (r.bt) {
      w.Integer(kBaseTime);
      WriteTime(w, *r.bt);
    }
    if (r.n) {
      w.Integer(kName);
      w.Text(*r.n);
    }
    if (r.v) {
      w.Integer(kValue);
      WriteNumber(w, *r.v);
    }
    if (r.vs) {
      w.Integer(kStringValue);
      w.Text(*r.vs);
    }
    if (r.vb) {
      w.Integer(kBoolValue);
      w.Bool(*r.vb);
    }
    if (r.vd) {
      w.Integer(kDataValue);
      w.Bytes(*r.vd);
    }
    if (r.vlo) {
      w.Text(kObjlnkLabel);
      w.Text(*r.vlo);
    }
    if (r.t) {
      w.Integer(kTime);
      WriteTime(w, *r.t);
    }
  }
  return w.Take();
}

}  // namespace

core::Result<Records> DecodeSenmlCbor(Payload payload, const Path& base,
                                      const TypeResolver& types) {
  auto pack = ReadPack(payload);
  if (!pack) return tl::unexpected(pack.error());
  return ResolveSenml(*pack, base, types, Dialect::kSenml);
}

core::Result<Bytes> EncodeSenmlCbor(std::span<const Record> records, const Path& base) {
  auto pack = ToSenml(records, base, Dialect::kSenml);
  if (!pack) return tl::unexpected(pack.error());
  return WritePack(*pack);
}

core::Result<std::vector<Path>> DecodeSenmlCborPaths(Payload payload) {
  auto pack = ReadPack(payload);
  if (!pack) return tl::unexpected(pack.error());
  return ResolveSenmlPaths(*pack);
}

Bytes EncodeSenmlCborPaths(std::span<const Path> paths) {
  std::vector<SenmlRecord> pack;
  for (const auto& path : paths) {
    SenmlRecord r;
    r.n = ToString(path);
    pack.push_back(std::move(r));
  }
  return WritePack(pack);
}

}  // namespace custos::lwm2m::format::detail
