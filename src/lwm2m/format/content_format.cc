#include "lwm2m/format/content_format.h"

namespace custos::lwm2m::format {

std::optional<ContentFormat> ContentFormatFromId(std::uint16_t id) {
  switch (static_cast<ContentFormat>(id)) {
    case ContentFormat::kPlainText:
    case ContentFormat::kLinkFormat:
    case ContentFormat::kOpaque:
    case ContentFormat::kSenmlJson:
    case ContentFormat::kSenmlCbor:
    case ContentFormat::kLegacyTlv:
    case ContentFormat::kLegacyJson:
    case ContentFormat::kTlv:
    case ContentFormat::kLwm2mJson:
    case ContentFormat::kLwm2mCbor:
      return static_cast<ContentFormat>(id);
  }
  return std::nullopt;
}

ContentFormat Canonical(ContentFormat format) {
  if (format == ContentFormat::kLegacyTlv) return ContentFormat::kTlv;
  if (format == ContentFormat::kLegacyJson) return ContentFormat::kLwm2mJson;
  return format;
}

const char* MediaType(ContentFormat format) {
  switch (Canonical(format)) {
    case ContentFormat::kPlainText:
      return "text/plain;charset=utf-8";
    case ContentFormat::kLinkFormat:
      return "application/link-format";
    case ContentFormat::kOpaque:
      return "application/octet-stream";
    case ContentFormat::kSenmlJson:
      return "application/senml+json";
    case ContentFormat::kSenmlCbor:
      return "application/senml+cbor";
    case ContentFormat::kTlv:
      return "application/vnd.oma.lwm2m+tlv";
    case ContentFormat::kLwm2mJson:
      return "application/vnd.oma.lwm2m+json";
    case ContentFormat::kLwm2mCbor:
      return "application/vnd.oma.lwm2m+cbor";
    default:
      break;
  }
  return "application/octet-stream";
}

}  // namespace custos::lwm2m::format
