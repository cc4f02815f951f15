// The CoAP message wire format (RFC 7252 §3): strict decoding and canonical encoding.
// Encoding is unique (the extended delta and length forms cannot be chosen freely), so for
// any bytes that Decode accepts, Encode of the result gives those same bytes back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "coap/message.h"
#include "core/error.h"

namespace custos::coap {

// The fixed 4-byte header.
struct Header {
  Type type = Type::kConfirmable;
  std::uint8_t token_length = 0;  // as sent: 0..15
  Code code;
  std::uint16_t message_id = 0;
};

// Decodes the 4-byte header alone. kInvalidArgument if there are fewer than 4 bytes or the
// version is not 1: such a datagram must be silently ignored (§3). Anything else, even a
// token length of 9..15, gives a header, so that a caller can match or reject the message.
core::Result<Header> DecodeHeader(std::span<const std::uint8_t> bytes);

// Decodes one whole message. kInvalidArgument, with the byte offset in Error::position and
// in the message, on any message format error: a bad header (see DecodeHeader), a token
// length of 9..15, a truncated token, a delta or length nibble of 15 outside the payload
// marker, a truncated extended delta or length, an option number above 65535, an option
// value running past the end, a payload marker with no payload after it, a code of the
// reserved classes 1, 6 or 7, an Empty (0.00) message with any byte after the header or a
// non-zero token length, an Empty NON, a non-Empty RST, and an ACK carrying a request
// (§4.1 - §4.3). Option values are not checked here (see InvalidLengthOptions).
core::Result<Message> Decode(std::span<const std::uint8_t> bytes);

// Whether a datagram that Decode refused must be answered with a Reset (§4.2): true when
// its header decodes and it is Confirmable. Non-confirmable, ACK and RST messages in error,
// and datagrams without a valid version-1 header, are silently ignored.
bool ShouldReset(std::span<const std::uint8_t> bytes);

// kInvalidArgument if Encode could not produce bytes that Decode accepts: a token longer
// than 8 bytes, an option value longer than 65804 bytes, or any rule of Decode above.
core::Result<void> Validate(const Message& message);

// The number of bytes Encode writes.
std::size_t EncodedSize(const Message& message);
// The wire form of a message for which Validate succeeds (otherwise the bytes are
// unspecified and will not decode).
std::vector<std::uint8_t> Encode(const Message& message);
// Writes the wire form into `out` and returns the number of bytes written; errors as
// Validate, or kInvalidArgument if `out` is shorter than EncodedSize.
core::Result<std::size_t> EncodeInto(const Message& message, std::span<std::uint8_t> out);

}  // namespace custos::coap
