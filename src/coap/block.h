// Block-wise transfer options Block1 and Block2 (RFC 7959 §2.2): NUM, M and SZX packed in a
// uint of 0 to 3 bytes as NUM << 4 | M << 3 | SZX. The block size is 2^(SZX + 4), 16 to 1024
// bytes; SZX 7 is reserved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "coap/option.h"
#include "core/error.h"

namespace custos::coap {

// Three bytes leave 20 bits for NUM.
inline constexpr std::uint32_t kMaxBlockNum = (1u << 20) - 1;
inline constexpr std::uint8_t kMaxSzx = 6;

struct Block {
  std::uint32_t num = 0;
  bool more = false;
  std::uint8_t szx = 0;

  std::size_t Size() const { return std::size_t{16} << szx; }
  // Offset of this block's first byte in the whole body.
  std::size_t Offset() const { return std::size_t{num} * Size(); }

  bool operator==(const Block&) const = default;
};

// The minimal-length option value; kInvalidArgument if num > kMaxBlockNum or szx > 6.
core::Result<std::vector<std::uint8_t>> EncodeBlock(const Block& block);
// kInvalidArgument if the value is longer than 3 bytes or SZX is 7.
core::Result<Block> DecodeBlock(std::span<const std::uint8_t> value);
// The SZX of a block size of 16, 32, ..., 1024 bytes; kInvalidArgument for any other size.
core::Result<std::uint8_t> SzxForSize(std::size_t size);

// Replace the Block1 / Block2 option; errors as EncodeBlock, leaving `options` unchanged.
core::Result<void> SetBlock1(OptionList& options, const Block& block);
core::Result<void> SetBlock2(OptionList& options, const Block& block);
// nullopt if the option is absent; errors as DecodeBlock.
core::Result<std::optional<Block>> GetBlock1(const OptionList& options);
core::Result<std::optional<Block>> GetBlock2(const OptionList& options);

}  // namespace custos::coap
