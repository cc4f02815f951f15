// Internal to lwm2m/format: SenML packs (RFC 8428, TS Core 1.1) independent of their
// JSON or CBOR representation — name and base resolution, value typing, and the choice of
// names when encoding. LwM2M JSON (TS 1.0, Data Formats) is the same model with other labels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lwm2m/format/detail/codecs.h"
#include "lwm2m/format/detail/values.h"

namespace custos::lwm2m::format::detail {

// One record as the wire has it, before names, base time and base value are resolved.
struct SenmlRecord {
  std::optional<std::string> bn;
  std::optional<double> bt;
  std::optional<Number> bv;
  std::optional<std::string> n;
  std::optional<Number> v;
  std::optional<std::string> vs;
  std::optional<bool> vb;
  std::optional<Opaque> vd;
  std::optional<std::string> vlo;  // LwM2M's Objlnk, "oid:iid" (LwM2M JSON "ov")
  std::optional<double> t;
  std::optional<std::size_t> position;  // byte offset in the payload, where known
};

enum class Dialect {
  kSenml,      // values "v" "vs" "vb" "vd" "vlo"; Opaque only in "vd"
  kLwm2mJson,  // values "v" "sv" "bv" "ov"; Opaque as base64 in "sv"
};

// The records of a pack: each name is the latest base name followed by the record's name,
// a path inside `base`; each value is typed by `types`; each time is base time plus time.
core::Result<Records> ResolveSenml(const std::vector<SenmlRecord>& pack, const Path& base,
                                   const TypeResolver& types, Dialect dialect);
// The paths of a pack whose records have names and nothing else (composite requests).
core::Result<std::vector<Path>> ResolveSenmlPaths(const std::vector<SenmlRecord>& pack);

// Checked records as a pack in path order: the first record carries the base name (the
// request path below an instance, else each instance in turn), the others names relative to
// it; times go in "t" as they are.
core::Result<std::vector<SenmlRecord>> ToSenml(std::span<const Record> records, const Path& base,
                                               Dialect dialect);

// JSON text for the writers: a quoted, escaped string; a number that reads back as the same
// kind (integral Floats keep a ".0"); a time (integral ones as integers).
void AppendJsonString(std::string& out, std::string_view text);
void AppendJsonNumber(std::string& out, const Number& number);
void AppendJsonTime(std::string& out, double seconds);

}  // namespace custos::lwm2m::format::detail
