// Where a block-wise transfer reads a body from: a response served with Block2, a request
// sent with Block1. Reading goes by offset, so a body never has to be held whole: a file is
// read one block at a time with pread. MemoryBody and FileBody implement it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"

namespace custos::coap {

// A body of a known size, read by offset. Read is const and may be called from several
// threads at once for the same source.
class BodySource {
 public:
  virtual ~BodySource() = default;

  virtual std::size_t Size() const = 0;
  // Up to `length` bytes from `offset`: fewer only when the body ends first, none when
  // `offset` is at or past the end. kInternal when the bytes cannot be read, kConflict when
  // the body was seen to change after the source was made.
  virtual core::Result<std::vector<std::uint8_t>> Read(std::size_t offset,
                                                       std::size_t length) const = 0;
  // 1 to 8 bytes that differ, with overwhelming probability, for different contents, so a
  // client reassembling blocks notices a changed body (RFC 7252 §5.10.6, RFC 7959 §2.4).
  virtual std::vector<std::uint8_t> ETag() const = 0;
};

// 8 bytes of FNV-1a (64 bit) over `bytes`: the ETag of a body held in memory.
std::vector<std::uint8_t> DeriveETag(std::span<const std::uint8_t> bytes);

}  // namespace custos::coap
