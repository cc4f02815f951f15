// Internal to lwm2m/format: one decoder and one encoder per format, behind the dispatch of
// codec.h, whose contracts they share.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "lwm2m/value.h"

namespace custos::lwm2m::format::detail {

using Bytes = std::vector<std::uint8_t>;
using Records = std::vector<Record>;
using Payload = std::span<const std::uint8_t>;

core::Result<Records> DecodePlainText(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodePlainText(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeOpaque(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeOpaque(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeTlv(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeTlv(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeLwm2mJson(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeLwm2mJson(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeSenmlJson(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeSenmlJson(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeSenmlCbor(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeSenmlCbor(std::span<const Record> records, const Path& base);

core::Result<Records> DecodeLwm2mCbor(Payload payload, const Path& base, const TypeResolver& types);
core::Result<Bytes> EncodeLwm2mCbor(std::span<const Record> records, const Path& base);

// Path lists of composite requests, SenML only.
core::Result<std::vector<Path>> DecodeSenmlJsonPaths(Payload payload);
Bytes EncodeSenmlJsonPaths(std::span<const Path> paths);
core::Result<std::vector<Path>> DecodeSenmlCborPaths(Payload payload);
Bytes EncodeSenmlCborPaths(std::span<const Path> paths);

}  // namespace custos::lwm2m::format::detail
