#include <algorithm>
#include <string>

#include "coap/codec.h"

namespace custos::coap {
namespace {

// The size of the extended field for a delta or length, and its nibble.
std::size_t ExtendedSize(std::size_t value) { return value < 13 ? 0 : value < 269 ? 1 : 2; }
std::uint8_t Nibble(std::size_t value) { return value < 13 ? value : value < 269 ? 13 : 14; }

std::uint8_t* WriteExtended(std::uint8_t* out, std::size_t value) {
  if (value >= 269) {
    const std::size_t ext = value - 269;
    *out++ = static_cast<std::uint8_t>(ext >> 8);
    *out++ = static_cast<std::uint8_t>(ext);
  } else if (value >= 13) {
    *out++ = static_cast<std::uint8_t>(value - 13);
  }
  return out;
}

std::uint8_t* Write(const Message& message, std::uint8_t* out) {
  const std::size_t token_length = std::min<std::size_t>(message.token.size(), 15);
  *out++ = static_cast<std::uint8_t>(0x40 | (static_cast<int>(message.type) << 4) | token_length);
  *out++ = message.code.raw;
  *out++ = static_cast<std::uint8_t>(message.message_id >> 8);
  *out++ = static_cast<std::uint8_t>(message.message_id);
  out = std::copy(message.token.begin(), message.token.end(), out);
  std::uint16_t previous = 0;
  for (const Option& o : message.options) {
    const std::size_t delta = o.number - previous;
    previous = o.number;
    *out++ = static_cast<std::uint8_t>((Nibble(delta) << 4) | Nibble(o.value.size()));
    out = WriteExtended(out, delta);
    out = WriteExtended(out, o.value.size());
    out = std::copy(o.value.begin(), o.value.end(), out);
  }
  if (!message.payload.empty()) {
    *out++ = 0xff;
    out = std::copy(message.payload.begin(), message.payload.end(), out);
  }
  return out;
}

}  // namespace

std::size_t EncodedSize(const Message& message) {
  std::size_t size = 4 + message.token.size();
  std::uint16_t previous = 0;
  for (const Option& o : message.options) {
    size += 1 + ExtendedSize(o.number - previous) + ExtendedSize(o.value.size()) + o.value.size();
    previous = o.number;
  }
  if (!message.payload.empty()) size += 1 + message.payload.size();
  return size;
}

std::vector<std::uint8_t> Encode(const Message& message) {
  std::vector<std::uint8_t> bytes(EncodedSize(message));
  Write(message, bytes.data());
  return bytes;
}

core::Result<std::size_t> EncodeInto(const Message& message, std::span<std::uint8_t> out) {
  if (auto ok = Validate(message); !ok) return tl::unexpected(ok.error());
  const std::size_t size = EncodedSize(message);
  if (out.size() < size) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "coap: buffer of " + std::to_string(out.size()) +
                               " bytes is too small for a message of " + std::to_string(size));
  }
  Write(message, out.data());
  return size;
}

}  // namespace custos::coap
