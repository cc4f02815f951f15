#include "mqtt/wire.h"

#include <string>

#include "mqtt/utf8.h"
#include "mqtt/variable_byte_integer.h"

namespace custos::mqtt::wire {

std::string Hex(std::uint8_t value) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return {'0', 'x', kDigits[value >> 4], kDigits[value & 0x0f]};
}

core::Error Refusal(ReasonCode reason, std::string_view what, std::optional<std::size_t> offset) {
  std::string message = "mqtt: ";
  message += what;
  if (offset) message += " at byte " + std::to_string(*offset);
  message += " (";
  message += Hex(static_cast<std::uint8_t>(reason));
  message += ' ';
  message += ToString(reason);
  message += ')';
  return core::Error{core::ErrorCode::kInvalidArgument, std::move(message), offset};
}

void Reader::Fail(ReasonCode reason, std::string_view what, std::size_t offset) {
  if (error_) return;
  error_ = Refusal(reason, std::string(ToString(packet_)) + " " + std::string(what), offset);
  pos_ = bytes_.size();  // nothing more is read
}

bool Reader::Need(std::size_t n, const char* field) {
  if (!ok()) return false;
  if (remaining() >= n) return true;
  Fail(ReasonCode::kMalformedPacket, std::string(field) + " runs past the end of the packet",
       offset());
  return false;
}

void Reader::ExpectEnd() {
  if (ok() && remaining() > 0) {
    Fail(ReasonCode::kMalformedPacket, std::to_string(remaining()) + " bytes after the last field",
         offset());
  }
}

std::uint8_t Reader::Byte(const char* field) {
  if (!Need(1, field)) return 0;
  return bytes_[pos_++];
}

std::uint16_t Reader::TwoByteInteger(const char* field) {
  if (!Need(2, field)) return 0;
  const auto value = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
  pos_ += 2;
  return value;
}

std::uint32_t Reader::FourByteInteger(const char* field) {
  if (!Need(4, field)) return 0;
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | bytes_[pos_++];
  return value;
}

std::uint32_t Reader::VariableByteInteger(const char* field) {
  if (!ok()) return 0;
  auto decoded = DecodeVariableByteInteger(bytes_.subspan(pos_));
  if (!decoded) {
    Fail(ReasonCode::kMalformedPacket, std::string(field) + " is not a valid Variable Byte Integer",
         offset() + decoded.error().position.value_or(0));
    return 0;
  }
  if (!*decoded) {
    Fail(ReasonCode::kMalformedPacket, std::string(field) + " runs past the end of the packet",
         offset());
    return 0;
  }
  pos_ += (*decoded)->size;
  return (*decoded)->value;
}

std::string Reader::Utf8String(const char* field) {
  const std::size_t start = offset();
  const std::uint16_t length = TwoByteInteger(field);
  if (!Need(length, field)) return {};
  std::string text(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
  if (auto bad = FindInvalidUtf8(text)) {
    Fail(ReasonCode::kMalformedPacket, std::string(field) + " is not valid UTF-8",
         start + 2 + *bad);
    return {};
  }
  pos_ += length;
  return text;
}

std::vector<std::uint8_t> Reader::BinaryData(const char* field) {
  const std::uint16_t length = TwoByteInteger(field);
  if (!Need(length, field)) return {};
  std::vector<std::uint8_t> data(bytes_.begin() + pos_, bytes_.begin() + pos_ + length);
  pos_ += length;
  return data;
}

std::vector<std::uint8_t> Reader::Rest() {
  if (!ok()) return {};
  std::vector<std::uint8_t> data(bytes_.begin() + pos_, bytes_.end());
  pos_ = bytes_.size();
  return data;
}

void Writer::Byte(std::uint8_t value) {
  if (out_ != nullptr) out_->push_back(value);
  ++size_;
}

void Writer::TwoByteInteger(std::uint16_t value) {
  Byte(static_cast<std::uint8_t>(value >> 8));
  Byte(static_cast<std::uint8_t>(value));
}

void Writer::FourByteInteger(std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) Byte(static_cast<std::uint8_t>(value >> shift));
}

void Writer::VariableByteInteger(std::uint32_t value) {
  if (out_ != nullptr) {
    AppendVariableByteInteger(value, *out_);
  }
  size_ += VariableByteIntegerSize(value);
}

void Writer::Utf8String(std::string_view text) {
  TwoByteInteger(static_cast<std::uint16_t>(text.size()));
  Raw(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void Writer::BinaryData(std::span<const std::uint8_t> data) {
  TwoByteInteger(static_cast<std::uint16_t>(data.size()));
  Raw(data);
}

void Writer::Raw(std::span<const std::uint8_t> data) {
  if (out_ != nullptr) out_->insert(out_->end(), data.begin(), data.end());
  size_ += data.size();
}

}  // namespace custos::mqtt::wire
