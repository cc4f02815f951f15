// Internal to lwm2m/format: the character classes of RFC 6690 §2 and RFC 3986.
#pragma once

#include <string_view>

namespace custos::lwm2m::format::detail {

inline bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
inline bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// CTLs other than HTAB (RFC 2616's TEXT excludes them from quoted strings).
inline bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7F;
}

// RFC 5987 attr-char without '*', '\'' and '%' (RFC 6690's parmname).
inline bool IsParmnameChar(char c) {
  return IsAlnum(c) || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 6690 ptokenchar.
inline bool IsPtokenChar(char c) {
  return IsAlnum(c) ||
         std::string_view("!#$%&'()*+-./:<=>?@[]^_`{|}~").find(c) != std::string_view::npos;
}

// Whether `text[pos]` starts a URI-reference character (RFC 3986 unreserved, reserved, or a
// percent-encoded octet "%XX").
inline bool IsUriChar(std::string_view text, std::size_t pos) {
  char c = text[pos];
  if (c == '%') return pos + 2 < text.size() && IsHex(text[pos + 1]) && IsHex(text[pos + 2]);
  return IsAlnum(c) || std::string_view("-._~:/?#[]@!$&'()*+,;=").find(c) != std::string_view::npos;
}

}  // namespace custos::lwm2m::format::detail
