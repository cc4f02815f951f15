// The content formats of LwM2M 1.0-1.2 (TS Core §7.4 and the CoAP Content-Format registry):
// their numbers, their media types, and the legacy numbers of the 1.0 drafts.
#pragma once

#include <cstdint>
#include <optional>

namespace custos::lwm2m::format {

enum class ContentFormat : std::uint16_t {
  kPlainText = 0,      // text/plain;charset=utf-8: one resource value
  kLinkFormat = 40,    // application/link-format (RFC 6690): Register, Discover
  kOpaque = 42,        // application/octet-stream: one Opaque resource value
  kSenmlJson = 110,    // application/senml+json (RFC 8428), LwM2M 1.1+
  kSenmlCbor = 112,    // application/senml+cbor (RFC 8428), LwM2M 1.1+
  kLegacyTlv = 1542,   // application/vnd.oma.lwm2m+tlv before IANA assigned 11542
  kLegacyJson = 1543,  // application/vnd.oma.lwm2m+json before IANA assigned 11543
  kTlv = 11542,        // application/vnd.oma.lwm2m+tlv
  kLwm2mJson = 11543,  // application/vnd.oma.lwm2m+json (the 1.0 "bn"/"e" JSON)
  kLwm2mCbor = 11544,  // application/vnd.oma.lwm2m+cbor, LwM2M 1.2
};

// The format with CoAP Content-Format number `id`, or nullopt for a number this module does
// not speak (plain CBOR, 60, included: LwM2M 1.1 allows it for single values; the server
// never asks for it).
std::optional<ContentFormat> ContentFormatFromId(std::uint16_t id);

inline std::uint16_t IdOf(ContentFormat format) { return static_cast<std::uint16_t>(format); }

// The current number of a legacy one (1542 -> 11542, 1543 -> 11543); others unchanged.
// Decoding treats both numbers alike; encoding answers in the number it was asked for.
ContentFormat Canonical(ContentFormat format);

// "application/vnd.oma.lwm2m+tlv" and so on; the legacy numbers share their media type.
const char* MediaType(ContentFormat format);

}  // namespace custos::lwm2m::format
