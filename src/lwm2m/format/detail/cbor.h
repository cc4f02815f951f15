// Internal to lwm2m/format: a pull reader and a writer for CBOR (RFC 8949) on libcbor's
// streaming decoder and item encoders, so that decoders see one item at a time with its byte
// offset, and nothing builds a tree of unbounded depth.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::lwm2m::format::detail {

enum class CborKind {
  kUnsigned,  // value
  kNegative,  // -1 - value
  kBytes,     // data, or indefinite chunks up to a break
  kText,      // data, or indefinite chunks up to a break
  kArray,     // value items, or indefinite up to a break
  kMap,       // value pairs, or indefinite up to a break
  kTag,       // value is the tag number; the tagged item follows
  kFloat,     // number
  kBool,      // boolean
  kNull,
  kUndefined,
  kBreak,
};

struct CborItem {
  CborKind kind = CborKind::kNull;
  std::uint64_t value = 0;
  bool indefinite = false;
  double number = 0;
  bool boolean = false;
  std::span<const std::uint8_t> data;
  std::size_t offset = 0;  // of the item's first byte
};

class CborReader {
 public:
  explicit CborReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool AtEnd() const { return pos_ == bytes_.size(); }
  std::size_t offset() const { return pos_; }

  // The next item's head; kInvalidArgument at the end of input or on malformed bytes.
  core::Result<CborItem> Next();
  // The whole content of a string whose head Next() just returned (chunks joined).
  core::Result<std::string> ReadString(const CborItem& head);
  // Skips the rest of the item whose head Next() just returned, nested at most 16 deep.
  core::Result<void> Skip(const CborItem& head, int depth = 0);

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// Definite-length items in their preferred serialization (RFC 8949 §4.1): the shortest
// integer heads, and the shortest float that holds the value exactly.
class CborWriter {
 public:
  void Unsigned(std::uint64_t value);
  void Integer(std::int64_t value);
  void Float(double value);
  void Bool(bool value);
  void Text(std::string_view text);
  void Bytes(std::span<const std::uint8_t> bytes);
  void ArrayStart(std::size_t size);
  void MapStart(std::size_t size);

  std::vector<std::uint8_t> Take() { return std::move(out_); }

 private:
  template <class F>
  void Head(F encode);
  std::vector<std::uint8_t> out_;
};

}  // namespace custos::lwm2m::format::detail
