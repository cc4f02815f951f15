// Bodies held in memory: MemoryBody serves a byte vector, MemorySink collects one up to a
// limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "coap/body_sink.h"
#include "coap/body_source.h"

namespace custos::coap {

class MemoryBody final : public BodySource {
 public:
  explicit MemoryBody(std::vector<std::uint8_t> bytes);

  std::size_t Size() const override { return bytes_.size(); }
  core::Result<std::vector<std::uint8_t>> Read(std::size_t offset,
                                               std::size_t length) const override;
  // DeriveETag of the bytes, computed once.
  std::vector<std::uint8_t> ETag() const override { return etag_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint8_t> etag_;
};

class MemorySink final : public BodySink {
 public:
  // At most `limit` bytes: a write reaching past it gives kPayloadTooLarge.
  explicit MemorySink(std::size_t limit = std::numeric_limits<std::size_t>::max())
      : limit_(limit) {}

  core::Result<void> Write(std::size_t offset, std::span<const std::uint8_t> bytes) override;
  core::Result<void> Finish(std::size_t size) override;
  void Abort() override;

  bool finished() const { return state_ == State::kFinished; }
  // The body so far (all of it once finished).
  const std::vector<std::uint8_t>& body() const { return bytes_; }
  // Moves the body out, leaving the sink empty.
  std::vector<std::uint8_t> TakeBody() { return std::move(bytes_); }

 private:
  enum class State { kOpen, kFinished, kAborted };

  std::size_t limit_;
  std::vector<std::uint8_t> bytes_;
  State state_ = State::kOpen;
};

}  // namespace custos::coap
