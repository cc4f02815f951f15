#include <string>

#include "coap/codec.h"

namespace custos::coap {
namespace {

using core::ErrorCode;

constexpr std::uint8_t kPayloadMarker = 0xff;
constexpr std::size_t kMaxOptionLength = 65535 + 269;

core::Result<void> FormatError(const std::string& what, std::size_t offset) {
  return core::MakeError(ErrorCode::kInvalidArgument,
                         "coap: " + what + " at byte " + std::to_string(offset), offset);
}

// The rules of §4.1 - §4.3 on type and code. An Empty message's token length and trailing
// bytes are checked by the caller, which knows where they are.
core::Result<void> CheckTypeAndCode(Type type, Code code) {
  if (code.IsReserved()) return FormatError("code " + ToString(code) + " has a reserved class", 1);
  if (code.IsEmpty() && type == Type::kNonConfirmable) return FormatError("Empty NON message", 0);
  if (!code.IsEmpty() && type == Type::kReset) {
    return FormatError("RST message with code " + ToString(code), 1);
  }
  if (code.IsRequest() && type == Type::kAcknowledgement) {
    return FormatError("ACK message carrying request " + ToString(code), 1);
  }
  return {};
}

// Reads an option delta or length from its nibble and extended bytes at `pos`.
core::Result<std::uint32_t> ReadExtended(std::span<const std::uint8_t> bytes, std::size_t& pos,
                                         std::uint8_t nibble, const char* field,
                                         std::size_t option_start) {
  if (nibble < 13) return nibble;
  if (nibble == 15) {
    auto e = FormatError(std::string("option ") + field + " nibble 15", option_start);
    return tl::unexpected(e.error());
  }
  const std::size_t extra = nibble == 13 ? 1 : 2;
  if (bytes.size() - pos < extra) {
    auto e = FormatError(std::string("truncated extended option ") + field, pos);
    return tl::unexpected(e.error());
  }
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < extra; ++i) value = (value << 8) | bytes[pos + i];
  pos += extra;
  return value + (nibble == 13 ? 13 : 269);
}

}  // namespace

const char* ToString(Type type) {
  switch (type) {
    case Type::kConfirmable:
      return "CON";
    case Type::kNonConfirmable:
      return "NON";
    case Type::kAcknowledgement:
      return "ACK";
    case Type::kReset:
      return "RST";
  }
  return "?";
}

core::Result<Header> DecodeHeader(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 4) {
    auto e = FormatError("message shorter than the 4-byte header", bytes.size());
    return tl::unexpected(e.error());
  }
  if ((bytes[0] >> 6) != 1) {
    auto e = FormatError("version " + std::to_string(bytes[0] >> 6) + " is not 1", 0);
    return tl::unexpected(e.error());
  }
  Header header;
  header.type = static_cast<Type>((bytes[0] >> 4) & 0x3);
  header.token_length = bytes[0] & 0x0f;
  header.code = Code{bytes[1]};
  header.message_id = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
  return header;
}

core::Result<Message> Decode(std::span<const std::uint8_t> bytes) {
  auto header = DecodeHeader(bytes);
  if (!header) return tl::unexpected(header.error());
  if (header->token_length > kMaxTokenLength) {
    auto e = FormatError("token length " + std::to_string(header->token_length) + " above 8", 0);
    return tl::unexpected(e.error());
  }
  if (auto ok = CheckTypeAndCode(header->type, header->code); !ok) {
    return tl::unexpected(ok.error());
  }
  if (header->code.IsEmpty() && (header->token_length != 0 || bytes.size() > 4)) {
    auto e =
        FormatError("Empty message with bytes after the header", header->token_length != 0 ? 0 : 4);
    return tl::unexpected(e.error());
  }
  Message message;
  message.type = header->type;
  message.code = header->code;
  message.message_id = header->message_id;
  std::size_t pos = 4;
  if (bytes.size() - pos < header->token_length) {
    auto e = FormatError("truncated token", bytes.size());
    return tl::unexpected(e.error());
  }
  message.token.assign(bytes.begin() + 4, bytes.begin() + 4 + header->token_length);
  pos += header->token_length;

  std::uint32_t number = 0;
  while (pos < bytes.size()) {
    if (bytes[pos] == kPayloadMarker) {
      if (pos + 1 == bytes.size()) {
        auto e = FormatError("payload marker followed by no payload", pos);
        return tl::unexpected(e.error());
      }
      message.payload.assign(bytes.begin() + pos + 1, bytes.end());
      break;
    }
    const std::size_t start = pos++;
    auto delta = ReadExtended(bytes, pos, bytes[start] >> 4, "delta", start);
    if (!delta) return tl::unexpected(delta.error());
    auto length = ReadExtended(bytes, pos, bytes[start] & 0x0f, "length", start);
    if (!length) return tl::unexpected(length.error());
    number += *delta;
    if (number > 0xffff) {
      auto e = FormatError("option number " + std::to_string(number) + " above 65535", start);
      return tl::unexpected(e.error());
    }
    if (bytes.size() - pos < *length) {
      auto e = FormatError("option " + std::to_string(number) + " value of " +
                               std::to_string(*length) + " bytes runs past the end",
                           start);
      return tl::unexpected(e.error());
    }
    // Numbers never decrease here, so Add appends.
    message.options.Add(
        static_cast<std::uint16_t>(number),
        std::vector<std::uint8_t>(bytes.begin() + pos, bytes.begin() + pos + *length));
    pos += *length;
  }
  return message;
}

bool ShouldReset(std::span<const std::uint8_t> bytes) {
  auto header = DecodeHeader(bytes);
  return header && header->type == Type::kConfirmable && !Decode(bytes);
}

core::Result<void> Validate(const Message& message) {
  if (message.token.size() > kMaxTokenLength) {
    return core::MakeError(
        ErrorCode::kInvalidArgument,
        "coap: token of " + std::to_string(message.token.size()) + " bytes; at most 8 allowed");
  }
  if (auto ok = CheckTypeAndCode(message.type, message.code); !ok) return ok;
  if (message.code.IsEmpty() &&
      (!message.token.empty() || !message.options.empty() || !message.payload.empty())) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "coap: Empty message with a token, options or payload");
  }
  for (const Option& o : message.options) {
    if (o.value.size() > kMaxOptionLength) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             "coap: option " + std::to_string(o.number) + " value of " +
                                 std::to_string(o.value.size()) + " bytes is too long");
    }
  }
  return {};
}

}  // namespace custos::coap
