// Where a block-wise transfer writes a body to: a download, a request body being assembled.
// MemorySink and FileSink implement it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/error.h"

namespace custos::coap {

// Where a body is written, by offset. Writes may come in any order and may rewrite bytes
// (a download that restarts writes from offset 0 again). Exactly one of Finish and Abort
// ends it; after that Write and Finish give kFailedPrecondition.
class BodySink {
 public:
  virtual ~BodySink() = default;

  // kPayloadTooLarge if the bytes would reach past the sink's limit (nothing is written);
  // kInternal on an I/O failure.
  virtual core::Result<void> Write(std::size_t offset, std::span<const std::uint8_t> bytes) = 0;
  // The body is complete and is its first `size` bytes; anything written beyond is cut off
  // (a restarted download whose body shrank). kInvalidArgument, leaving the sink open, if
  // `size` is past the furthest byte written; kInternal on an I/O failure, after which the
  // sink is aborted.
  virtual core::Result<void> Finish(std::size_t size) = 0;
  // Drops everything written. Idempotent; a no-op after Finish.
  virtual void Abort() = 0;
};

}  // namespace custos::coap
