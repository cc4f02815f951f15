// Decoding and encoding of resource values in every record-carrying content format: plain
// text, opaque, TLV, LwM2M JSON, SenML JSON, SenML CBOR and LwM2M CBOR (TS Core §7.4).
// All of them meet in one shape, a flat list of lwm2m::Record (path, value, time).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "lwm2m/format/content_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace custos::lwm2m::format {

// Decodes a payload received in answer to (or with) a request on `base` — the request path,
// the root for Send and the composite operations. Records come in payload order, each at a
// resource or resource instance inside `base`, no two with the same path and time, and no
// resource with both a value and instances. Values
// take the type `types` gives for the record's path; where it knows none (or is empty) a
// value keeps the form it has on the wire: TLV and opaque give Opaque, plain text a String,
// and the self-describing formats what their field or number says. An empty payload is no
// records (plain text: one empty String; opaque: one empty Opaque). kInvalidArgument for
// anything malformed, mistyped, outside `base`, or in application/link-format (links are not
// records: see link_format.h), with the byte offset where it is known.
core::Result<std::vector<Record>> Decode(ContentFormat format,
                                         std::span<const std::uint8_t> payload, const Path& base,
                                         const TypeResolver& types);

// Encodes records for a request on `base` (a Write, a Create, a Write-Composite;
// the root when the records span objects). Records must be resources or resource instances
// inside `base`, no two alike; the output is in path order whatever the input order. Plain
// text and opaque take exactly one record at `base` (opaque: an Opaque value); TLV takes one
// object at most; only the SenML formats and LwM2M JSON carry times. kInvalidArgument for
// what the format cannot say, naming the record.
core::Result<std::vector<std::uint8_t>> Encode(ContentFormat format,
                                               std::span<const Record> records, const Path& base);

// The body of a Read-Composite or Observe-Composite request: SenML records with names only
// ([{"n":"/3/0/0"},...]). SenML JSON and SenML CBOR only; kInvalidArgument otherwise.
core::Result<std::vector<std::uint8_t>> EncodePaths(ContentFormat format,
                                                    std::span<const Path> paths);
// The inverse of EncodePaths: a SenML pack whose records have names and no values.
core::Result<std::vector<Path>> DecodePaths(ContentFormat format,
                                            std::span<const std::uint8_t> payload);

// SenML (RFC 8428 §4.5.3) and LwM2M JSON times below 2^28 are relative to the moment of
// reception: this makes them absolute against `now` (seconds since the epoch). Decode does
// not, because it reads no clock.
void ResolveRelativeTimes(std::vector<Record>& records, double now);

}  // namespace custos::lwm2m::format
