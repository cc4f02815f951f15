// Base64 (RFC 4648 §4 and §5) for Opaque values in plain text, LwM2M JSON "sv" and SenML
// JSON "vd".
#include <array>

#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for a digit of either alphabet; 64 for '+' '/', 65 for '-' '_' (told apart so that
// one text cannot mix alphabets); -1 otherwise.
int Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '/') return 64;
  if (c == '-' || c == '_') return 65;
  return -1;
}

}  // namespace

std::string Base64Encode(std::span<const std::uint8_t> bytes, bool url) {
  std::string_view alphabet = url ? kUrl : kStandard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 0x3F];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t n = bytes[i] << 16;
  if (rest == 2) n |= bytes[i + 1] << 8;
  out += alphabet[(n >> 18) & 0x3F];
  out += alphabet[(n >> 12) & 0x3F];
  if (rest == 2) out += alphabet[(n >> 6) & 0x3F];
  if (!url) out.append(rest == 1 ? "==" : "=");
  return out;
}

std::optional<Opaque> Base64Decode(std::string_view text) {
  std::size_t padding = 0;
  while (padding < 2 && !text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++padding;
  }
  std::size_t rest = text.size() % 4;
  if (rest == 1) return std::nullopt;
  if (padding != 0 && padding != (4 - rest) % 4) return std::nullopt;
  int alphabet = 0;  // 64 standard, 65 URL, 0 not yet seen
  Opaque out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int d = Digit(c);
    if (d < 0) return std::nullopt;
    if (d >= 64) {
      if (alphabet != 0 && alphabet != d) return std::nullopt;
      alphabet = d;
      d = (c == '+' || c == '-') ? 62 : 63;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-zero trailing bits
  return out;
}

}  // namespace custos::lwm2m::format::detail
