// CoAP message codes (RFC 7252 §3, §12.1): a class (3 bits) and a detail (5 bits), written
// "c.dd". Includes 2.31 Continue (RFC 7959), 4.08 and 4.13 (RFC 7959) and 4.29 (RFC 8516).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace custos::coap {

struct Code {
  std::uint8_t raw = 0;

  static constexpr Code Of(int cls, int detail) {
    return Code{static_cast<std::uint8_t>(((cls & 0x7) << 5) | (detail & 0x1f))};
  }
  constexpr int Class() const { return raw >> 5; }
  constexpr int Detail() const { return raw & 0x1f; }
  // 0.00: the Empty message (ping, empty ACK, RST).
  constexpr bool IsEmpty() const { return raw == 0; }
  constexpr bool IsRequest() const { return Class() == 0 && raw != 0; }
  constexpr bool IsResponse() const { return Class() >= 2 && Class() <= 5; }
  // Classes 1, 6 and 7 are reserved in CoAP over UDP (§3, §4.2).
  constexpr bool IsReserved() const { return Class() == 1 || Class() >= 6; }

  friend constexpr auto operator<=>(Code, Code) = default;
};

// "c.dd", e.g. "2.05", "4.04".
std::string ToString(Code code);

namespace codes {

inline constexpr Code kEmpty = Code::Of(0, 0);
// Methods (§12.1.1).
inline constexpr Code kGet = Code::Of(0, 1);
inline constexpr Code kPost = Code::Of(0, 2);
inline constexpr Code kPut = Code::Of(0, 3);
inline constexpr Code kDelete = Code::Of(0, 4);
// RFC 8132: FETCH (a GET with a body, observable) and iPATCH (LwM2M Write-Composite).
inline constexpr Code kFetch = Code::Of(0, 5);
inline constexpr Code kPatch = Code::Of(0, 6);
inline constexpr Code kIPatch = Code::Of(0, 7);
// Responses (§12.1.2 and extensions).
inline constexpr Code kCreated = Code::Of(2, 1);
inline constexpr Code kDeleted = Code::Of(2, 2);
inline constexpr Code kValid = Code::Of(2, 3);
inline constexpr Code kChanged = Code::Of(2, 4);
inline constexpr Code kContent = Code::Of(2, 5);
inline constexpr Code kContinue = Code::Of(2, 31);
inline constexpr Code kBadRequest = Code::Of(4, 0);
inline constexpr Code kUnauthorized = Code::Of(4, 1);
inline constexpr Code kBadOption = Code::Of(4, 2);
inline constexpr Code kForbidden = Code::Of(4, 3);
inline constexpr Code kNotFound = Code::Of(4, 4);
inline constexpr Code kMethodNotAllowed = Code::Of(4, 5);
inline constexpr Code kNotAcceptable = Code::Of(4, 6);
inline constexpr Code kRequestEntityIncomplete = Code::Of(4, 8);
inline constexpr Code kPreconditionFailed = Code::Of(4, 12);
inline constexpr Code kRequestEntityTooLarge = Code::Of(4, 13);
inline constexpr Code kUnsupportedContentFormat = Code::Of(4, 15);
inline constexpr Code kTooManyRequests = Code::Of(4, 29);
inline constexpr Code kInternalServerError = Code::Of(5, 0);
inline constexpr Code kNotImplemented = Code::Of(5, 1);
inline constexpr Code kBadGateway = Code::Of(5, 2);
inline constexpr Code kServiceUnavailable = Code::Of(5, 3);
inline constexpr Code kGatewayTimeout = Code::Of(5, 4);
inline constexpr Code kProxyingNotSupported = Code::Of(5, 5);

}  // namespace codes
}  // namespace custos::coap
