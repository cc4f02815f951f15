// Which content format the server asks a device for (Accept) and writes to it in, from the
// device's LwM2M version and the formats its registration declared. docs/lwm2m-formats.md
// explains the rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/error.h"
#include "lwm2m/format/content_format.h"
#include "lwm2m/value.h"

namespace custos::lwm2m::format {

enum class Lwm2mVersion { kV1_0, kV1_1, kV1_2 };

// The "lwm2m=" of a registration: "1.0", "1.1", "1.2"; a later 1.x reads as 1.2, the newest
// this module knows. kInvalidArgument for anything else (1.0 devices send no "lwm2m=" at all:
// the caller passes "1.0" then).
core::Result<Lwm2mVersion> ParseLwm2mVersion(std::string_view text);

// What a request reaches.
enum class Shape {
  kValue,      // one single-instance resource, or one resource instance
  kTree,       // an object, an object instance, or a multiple-instance resource
  kComposite,  // paths across objects: Read-, Observe-, Write-Composite
};

// The format for a request of `shape` to a device of `version` that declared `declared` (the
// ct of its root link; see DeclaredContentFormats). Most compact first among what the device
// declared, else the format its version makes mandatory:
//   1.0: TLV for trees; plain text for values (opaque for an Opaque resource).
//   1.1: SenML CBOR, then SenML JSON, if declared; else as 1.0.
//   1.2: LwM2M CBOR, then SenML CBOR, then SenML JSON, if declared; else as 1.0.
// Composite requests need a declared format able to carry them (1.1: SenML; 1.2: LwM2M CBOR
// or SenML): kFailedPrecondition when there is none, and always for 1.0.
// `type` is the resource's type for kValue, when the model knows it.
core::Result<ContentFormat> ChooseFormat(Lwm2mVersion version,
                                         std::span<const std::uint16_t> declared, Shape shape,
                                         std::optional<ResourceType> type = std::nullopt);

}  // namespace custos::lwm2m::format
