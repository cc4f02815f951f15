#include "coap/body_memory.h"

#include <algorithm>
#include <string>

namespace custos::coap {

using core::ErrorCode;
using core::MakeError;

MemoryBody::MemoryBody(std::vector<std::uint8_t> bytes)
    : bytes_(std::move(bytes)), etag_(DeriveETag(bytes_)) {}

core::Result<std::vector<std::uint8_t>> MemoryBody::Read(std::size_t offset,
                                                         std::size_t length) const {
  if (offset >= bytes_.size()) return std::vector<std::uint8_t>();
  const std::size_t n = std::min(length, bytes_.size() - offset);
  return std::vector<std::uint8_t>(bytes_.begin() + offset, bytes_.begin() + offset + n);
}

core::Result<void> MemorySink::Write(std::size_t offset, std::span<const std::uint8_t> bytes) {
  if (state_ != State::kOpen) return MakeError(ErrorCode::kFailedPrecondition, "sink is closed");
  if (offset > limit_ || bytes.size() > limit_ - offset) {
    return MakeError(ErrorCode::kPayloadTooLarge,
                     "body exceeds the limit of " + std::to_string(limit_) + " bytes");
  }
  const std::size_t end = offset + bytes.size();
  if (end > bytes_.size()) bytes_.resize(end);
  std::copy(bytes.begin(), bytes.end(), bytes_.begin() + offset);
  return {};
}

core::Result<void> MemorySink::Finish(std::size_t size) {
  if (state_ != State::kOpen) return MakeError(ErrorCode::kFailedPrecondition, "sink is closed");
  if (size > bytes_.size()) {
    const std::string what = "finish at " + std::to_string(size);
    return MakeError(ErrorCode::kInvalidArgument,
                     what + " but only " + std::to_string(bytes_.size()) + " written");
  }
  bytes_.resize(size);
  state_ = State::kFinished;
  return {};
}

void MemorySink::Abort() {
  if (state_ != State::kOpen) return;
  bytes_.clear();
  bytes_.shrink_to_fit();
  state_ = State::kAborted;
}

}  // namespace custos::coap
