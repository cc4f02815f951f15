#include "coap/block.h"

#include <string>

namespace custos::coap {
namespace {

using core::ErrorCode;
using core::MakeError;

core::Result<void> SetBlock(OptionList& options, std::uint16_t number, const Block& block) {
  auto value = EncodeBlock(block);
  if (!value) return tl::unexpected(value.error());
  options.Set(number, std::move(*value));
  return {};
}

core::Result<std::optional<Block>> GetBlock(const OptionList& options, std::uint16_t number) {
  const Option* found = options.Find(number);
  if (found == nullptr) return std::optional<Block>();
  auto block = DecodeBlock(found->value);
  if (!block) return tl::unexpected(block.error());
  return std::optional<Block>(*block);
}

}  // namespace

core::Result<std::vector<std::uint8_t>> EncodeBlock(const Block& block) {
  if (block.num > kMaxBlockNum) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "block number " + std::to_string(block.num) + " exceeds 2^20-1");
  }
  if (block.szx > kMaxSzx) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "block SZX " + std::to_string(block.szx) + " is reserved or out of range");
  }
  const std::uint32_t packed = (block.num << 4) | (block.more ? 0x08u : 0u) | block.szx;
  return EncodeUint(packed);
}

core::Result<Block> DecodeBlock(std::span<const std::uint8_t> value) {
  if (value.size() > 3) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "block option value is " + std::to_string(value.size()) + " bytes long; at most 3 allowed");
  }
  const std::uint32_t packed = *DecodeUint(value);
  Block block;
  block.num = packed >> 4;
  block.more = (packed & 0x08u) != 0;
  block.szx = static_cast<std::uint8_t>(packed & 0x07u);
  if (block.szx > kMaxSzx) {
    return MakeError(ErrorCode::kInvalidArgument, "block SZX 7 is reserved",
                     value.empty() ? 0 : value.size() - 1);
  }
  return block;
}

core::Result<std::uint8_t> SzxForSize(std::size_t size) {
  for (std::uint8_t szx = 0; szx <= kMaxSzx; ++szx) {
    if ((std::size_t{16} << szx) == size) return szx;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "block size " + std::to_string(size) + " is not a power of two in 16..1024");
}

core::Result<void> SetBlock1(OptionList& options, const Block& block) {
  return SetBlock(options, option::kBlock1, block);
}
core::Result<void> SetBlock2(OptionList& options, const Block& block) {
  return SetBlock(options, option::kBlock2, block);
}
core::Result<std::optional<Block>> GetBlock1(const OptionList& options) {
  return GetBlock(options, option::kBlock1);
}
core::Result<std::optional<Block>> GetBlock2(const OptionList& options) {
  return GetBlock(options, option::kBlock2);
}

}  // namespace custos::coap
