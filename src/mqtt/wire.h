// Internal to src/mqtt (not reached from mqtt.h): the data representations of v5 §1.5 read
// with byte offsets and written to a buffer, and the codec's refusals.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "mqtt/protocol.h"
#include "mqtt/reason_code.h"

namespace custos::mqtt::wire {

// A refusal: kInvalidArgument, "mqtt: <what>[ at byte <offset>] (0xNN <reason text>)".
// ReasonFor depends on that ending.
core::Error Refusal(ReasonCode reason, std::string_view what,
                    std::optional<std::size_t> offset = std::nullopt);

// "0x" and two upper-case hex digits.
std::string Hex(std::uint8_t value);

// A rule broken by a packet value, before the decoder places it at an offset.
struct Problem {
  ReasonCode reason = ReasonCode::kMalformedPacket;
  std::string what;
};

// Reads the body of one packet. After the first failure every read returns a zero value
// and the failure is kept, so a decoder reads its fields in sequence and checks ok() once.
class Reader {
 public:
  // `bytes` is the body; `base` the offset of its first byte in the packet.
  Reader(std::span<const std::uint8_t> bytes, std::size_t base, PacketType packet)
      : bytes_(bytes), base_(base), packet_(packet) {}

  std::uint8_t Byte(const char* field);
  std::uint16_t TwoByteInteger(const char* field);
  std::uint32_t FourByteInteger(const char* field);
  std::uint32_t VariableByteInteger(const char* field);
  std::string Utf8String(const char* field);
  std::vector<std::uint8_t> BinaryData(const char* field);
  // Everything left (a payload).
  std::vector<std::uint8_t> Rest();

  // Records a failure of the packet's `what` at packet offset `offset`, unless one is
  // recorded already.
  void Fail(ReasonCode reason, std::string_view what, std::size_t offset);
  void Fail(const Problem& problem, std::size_t offset) {
    Fail(problem.reason, problem.what, offset);
  }
  // Fails with Malformed Packet if bytes are left.
  void ExpectEnd();

  // The packet offset of the next byte.
  std::size_t offset() const { return base_ + pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  PacketType packet() const { return packet_; }
  bool ok() const { return !error_.has_value(); }
  const core::Error& error() const { return *error_; }

 private:
  // True if `n` more bytes are there; fails ("<field> runs past the end") otherwise.
  bool Need(std::size_t n, const char* field);

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::size_t base_;
  PacketType packet_;
  std::optional<core::Error> error_;
};

// Appends the data representations to a buffer, or, without one, only counts their bytes.
class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>* out) : out_(out) {}

  void Byte(std::uint8_t value);
  void TwoByteInteger(std::uint16_t value);
  void FourByteInteger(std::uint32_t value);
  void VariableByteInteger(std::uint32_t value);
  void Utf8String(std::string_view text);
  void BinaryData(std::span<const std::uint8_t> data);
  void Raw(std::span<const std::uint8_t> data);

  // Bytes written (or counted) so far.
  std::size_t size() const { return size_; }

 private:
  std::vector<std::uint8_t>* out_;
  std::size_t size_ = 0;
};

}  // namespace custos::mqtt::wire
