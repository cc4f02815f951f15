// LwM2M CBOR (TS Core 1.2, Data Formats; content format 11544): nested maps keyed by path levels —
// each key one id or an array of ids — down to resource values.
#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "lwm2m/format/detail/cbor.h"
#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/records.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

// CBOR tag 1: a time in seconds since the epoch (RFC 8949 §3.4.2).
constexpr std::uint64_t kEpochTimeTag = 1;

core::Result<std::uint16_t> ReadId(const CborItem& item) {
  if (item.kind != CborKind::kUnsigned || item.value > 65534) {
    return Invalid("LwM2M CBOR: a path key is not an id from 0 to 65534", item.offset);
  }
  return static_cast<std::uint16_t>(item.value);
}

core::Result<Path> ReadKey(CborReader& reader, const CborItem& key, const Path& prefix) {
  auto extend = [&](Path& path, const CborItem& item) -> core::Result<void> {
    if (path.depth() == 4) return Invalid("LwM2M CBOR: a path deeper than four", item.offset);
    auto id = ReadId(item);
    if (!id) return tl::unexpected(id.error());
    path = Child(path, *id);
    return {};
  };
  Path path = prefix;
  if (key.kind != CborKind::kArray) {
    if (auto ok = extend(path, key); !ok) return tl::unexpected(ok.error());
    return path;
  }
  std::uint64_t count = 0;
  for (; key.indefinite || count < key.value; ++count) {
    auto item = reader.Next();
    if (!item) return tl::unexpected(item.error());
    if (item->kind == CborKind::kBreak && key.indefinite) break;
    if (auto ok = extend(path, *item); !ok) return tl::unexpected(ok.error());
  }
  if (count == 0) return Invalid("LwM2M CBOR: an empty path key", key.offset);
  return path;
}

core::Result<Value> ReadValue(CborReader& reader, const CborItem& item,
                              std::optional<ResourceType> type) {
  auto mismatch = [&](std::string_view what) {
    return Invalid(fmt::format("LwM2M CBOR: {} for a {} resource", what, ToString(*type)),
                   item.offset);
  };
  switch (item.kind) {
    case CborKind::kUnsigned:
      return TypedNumber(Number{item.value}, type);
    case CborKind::kNegative:
      if (item.value > static_cast<std::uint64_t>(INT64_MAX)) {
        return TypedNumber(Number{-1.0 - static_cast<double>(item.value)}, type);
      }
      return TypedNumber(Number{-1 - static_cast<std::int64_t>(item.value)}, type);
    case CborKind::kFloat:
      return TypedNumber(Number{item.number}, type);
    case CborKind::kBool:
      if (type && *type != ResourceType::kBoolean) return mismatch("a boolean");
      return Value{item.boolean};
    case CborKind::kBytes: {
      if (type && *type != ResourceType::kOpaque) return mismatch("a byte string");
      auto bytes = reader.ReadString(item);
      if (!bytes) return tl::unexpected(bytes.error());
      return Value{Opaque(bytes->begin(), bytes->end())};
    }
    case CborKind::kText: {
      auto text = reader.ReadString(item);
      if (!text) return tl::unexpected(text.error());
      if (!IsUtf8(*text)) return Invalid("LwM2M CBOR: text is not UTF-8", item.offset);
      if (!type || *type == ResourceType::kString) return Value{std::move(*text)};
      if (*type == ResourceType::kCoreLink) return Value{CoreLink{std::move(*text)}};
      if (*type == ResourceType::kObjectLink) {
        if (auto link = ParseObjectLink(*text)) return Value{*link};
        return Invalid("LwM2M CBOR: an Objlnk is not \"oid:iid\"", item.offset);
      }
      return mismatch("a text");
    }
    case CborKind::kTag: {
      if (item.value != kEpochTimeTag || (type && *type != ResourceType::kTime)) {
        return Invalid(fmt::format("LwM2M CBOR: tag {} is not supported here", item.value),
                       item.offset);
      }
      auto inner = reader.Next();
      if (!inner) return tl::unexpected(inner.error());
      if (inner->kind == CborKind::kTag) return Invalid("LwM2M CBOR: nested tags", inner->offset);
      return ReadValue(reader, *inner, ResourceType::kTime);
    }
    default:
      return Invalid("LwM2M CBOR: not a resource value (null, undefined, array or break)",
                     item.offset);
  }
}

class Decoder {
 public:
  Decoder(CborReader& reader, const TypeResolver& types) : reader_(reader), types_(types) {}

  // The entries of the map whose head was just read, under `prefix`. Every key adds at least
  // one level, so maps nest at most five deep.
  core::Result<void> Map(const CborItem& head, const Path& prefix) {
    for (std::uint64_t i = 0; head.indefinite || i < head.value; ++i) {
      auto key = reader_.Next();
      if (!key) return tl::unexpected(key.error());
      if (key->kind == CborKind::kBreak && head.indefinite) break;
      auto path = ReadKey(reader_, *key, prefix);
      if (!path) return tl::unexpected(path.error());
      auto value = reader_.Next();
      if (!value) return tl::unexpected(value.error());
      if (value->kind == CborKind::kMap) {
        if (auto ok = Map(*value, *path); !ok) return ok;
        continue;
      }
      if (path->depth() < 3) {
        return Invalid(fmt::format("LwM2M CBOR: a value at {}, not a resource", ToString(*path)),
                       value->offset);
      }
      auto v = ReadValue(reader_, *value, TypeAt(types_, *path));
      if (!v) return tl::unexpected(v.error());
      records_.push_back(Record{*path, std::move(*v), std::nullopt});
    }
    return {};
  }

  Records Take() { return std::move(records_); }

 private:
  CborReader& reader_;
  const TypeResolver& types_;
  Records records_;
};

// The records below the request path as a tree: a node holds a value or children.
struct Node {
  const Value* value = nullptr;
  std::map<std::uint16_t, Node> children;
};

void WriteValue(CborWriter& w, const Value& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) w.Text(v);
        if constexpr (std::is_same_v<T, std::int64_t>) w.Integer(v);
        if constexpr (std::is_same_v<T, std::uint64_t>) w.Unsigned(v);
        if constexpr (std::is_same_v<T, double>) w.Float(v);
        if constexpr (std::is_same_v<T, bool>) w.Bool(v);
        if constexpr (std::is_same_v<T, Opaque>) w.Bytes(v);
        if constexpr (std::is_same_v<T, TimeValue>) w.Integer(v.seconds);
        if constexpr (std::is_same_v<T, ObjectLink>) w.Text(FormatObjectLink(v));
        if constexpr (std::is_same_v<T, CoreLink>) w.Text(v.text);
      },
      value);
}

void WriteNode(CborWriter& w, const Node& node) {
  if (node.value) return WriteValue(w, *node.value);
  w.MapStart(node.children.size());
  for (const auto& [id, child] : node.children) {
    w.Unsigned(id);
    WriteNode(w, child);
  }
}

}  // namespace

core::Result<Records> DecodeLwm2mCbor(Payload payload, const Path& base,
                                      const TypeResolver& types) {
  if (payload.empty()) return Records{};
  CborReader reader(payload);
  auto head = reader.Next();
  if (!head) return tl::unexpected(head.error());
  if (head->kind != CborKind::kMap) return Invalid("LwM2M CBOR: not a map", 0);
  Decoder decoder(reader, types);
  if (auto ok = decoder.Map(*head, Path::Root()); !ok) return tl::unexpected(ok.error());
  if (!reader.AtEnd()) return Invalid("LwM2M CBOR: bytes after the map", reader.offset());
  Records records = decoder.Take();
  if (auto ok = CheckRecords(records, base, "LwM2M CBOR", false); !ok) {
    return tl::unexpected(ok.error());
  }
  return records;
}

core::Result<Bytes> EncodeLwm2mCbor(std::span<const Record> records, const Path& base) {
  if (auto ok = CheckRecords(records, base, "LwM2M CBOR", false); !ok) {
    return tl::unexpected(ok.error());
  }
  Node root;
  for (const Record* record : SortedByPath(records)) {
    Node* node = &root;
    for (int level = base.depth() + 1; level <= record->path.depth(); ++level) {
      if (node->value) break;
      node = &node->children[LevelId(record->path, level)];
    }
    if (node->value || !node->children.empty()) {
      return Invalid(
          fmt::format("LwM2M CBOR: {} has both a value and instances", ToString(record->path)));
    }
    node->value = &record->value;
  }
  CborWriter w;
  if (base.IsRoot()) {
    WriteNode(w, root);
    return w.Take();
  }
  // The request path as the one key of the outer map: one id, or an array of them.
  w.MapStart(records.empty() ? 0 : 1);
  if (records.empty()) return w.Take();
  if (base.depth() == 1) {
    w.Unsigned(*base.object);
  } else {
    w.ArrayStart(static_cast<std::size_t>(base.depth()));
    for (int level = 1; level <= base.depth(); ++level) w.Unsigned(LevelId(base, level));
  }
  WriteNode(w, root);
  return w.Take();
}

}  // namespace custos::lwm2m::format::detail
