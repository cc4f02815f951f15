#include "lwm2m/format/codec.h"

#include <fmt/format.h>

#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format {
namespace {

tl::unexpected<core::Error> NotRecords(ContentFormat format) {
  return detail::Invalid(
      fmt::format("{} ({}) does not carry resource values", MediaType(format), IdOf(format)));
}

}  // namespace

core::Result<std::vector<Record>> Decode(ContentFormat format,
                                         std::span<const std::uint8_t> payload, const Path& base,
                                         const TypeResolver& types) {
  switch (Canonical(format)) {
    case ContentFormat::kPlainText:
      return detail::DecodePlainText(payload, base, types);
    case ContentFormat::kOpaque:
      return detail::DecodeOpaque(payload, base, types);
    case ContentFormat::kTlv:
      return detail::DecodeTlv(payload, base, types);
    case ContentFormat::kLwm2mJson:
      return detail::DecodeLwm2mJson(payload, base, types);
    case ContentFormat::kSenmlJson:
      return detail::DecodeSenmlJson(payload, base, types);
    case ContentFormat::kSenmlCbor:
      return detail::DecodeSenmlCbor(payload, base, types);
    case ContentFormat::kLwm2mCbor:
      return detail::DecodeLwm2mCbor(payload, base, types);
    default:
      return NotRecords(format);
  }
}

core::Result<std::vector<std::uint8_t>> Encode(ContentFormat format,
                                               std::span<const Record> records, const Path& base) {
  switch (Canonical(format)) {
    case ContentFormat::kPlainText:
      return detail::EncodePlainText(records, base);
    case ContentFormat::kOpaque:
      return detail::EncodeOpaque(records, base);
    case ContentFormat::kTlv:
      return detail::EncodeTlv(records, base);
    case ContentFormat::kLwm2mJson:
      return detail::EncodeLwm2mJson(records, base);
    case ContentFormat::kSenmlJson:
      return detail::EncodeSenmlJson(records, base);
    case ContentFormat::kSenmlCbor:
      return detail::EncodeSenmlCbor(records, base);
    case ContentFormat::kLwm2mCbor:
      return detail::EncodeLwm2mCbor(records, base);
    default:
      return NotRecords(format);
  }
}

core::Result<std::vector<std::uint8_t>> EncodePaths(ContentFormat format,
                                                    std::span<const Path> paths) {
  if (format == ContentFormat::kSenmlJson) return detail::EncodeSenmlJsonPaths(paths);
  if (format == ContentFormat::kSenmlCbor) return detail::EncodeSenmlCborPaths(paths);
  return detail::Invalid(fmt::format("path lists are SenML only, not {}", MediaType(format)));
}

core::Result<std::vector<Path>> DecodePaths(ContentFormat format,
                                            std::span<const std::uint8_t> payload) {
  if (format == ContentFormat::kSenmlJson) return detail::DecodeSenmlJsonPaths(payload);
  if (format == ContentFormat::kSenmlCbor) return detail::DecodeSenmlCborPaths(payload);
  return detail::Invalid(fmt::format("path lists are SenML only, not {}", MediaType(format)));
}

void ResolveRelativeTimes(std::vector<Record>& records, double now) {
  constexpr double kRelativeBelow = 268435456.0;  // 2^28 seconds, RFC 8428 §4.5.3
  for (auto& record : records) {
    if (record.time && *record.time < kRelativeBelow) *record.time += now;
  }
}

}  // namespace custos::lwm2m::format
