// Content-Format numbers (RFC 7252 §12.3 registry) that LwM2M 1.x devices use.
#pragma once

#include <cstdint>

namespace custos::coap::content_format {

inline constexpr std::uint16_t kTextPlain = 0;
inline constexpr std::uint16_t kLinkFormat = 40;
inline constexpr std::uint16_t kOctetStream = 42;
inline constexpr std::uint16_t kCbor = 60;
inline constexpr std::uint16_t kSenmlJson = 110;
inline constexpr std::uint16_t kSenmlCbor = 112;
inline constexpr std::uint16_t kLwm2mTlv = 11542;
inline constexpr std::uint16_t kLwm2mJson = 11543;
inline constexpr std::uint16_t kLwm2mCbor = 11544;

}  // namespace custos::coap::content_format
