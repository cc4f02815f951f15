// Front door of the JSON representation module: how the domain model looks on the wire
// (docs/api.md), and the streaming parser for bulk device imports. Used by the REST API and
// the CLI; depends on core and Boost.JSON only.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace custos::json {

// ---- the domain model as JSON objects (docs/api.md)
boost::json::object ToJson(const core::Device& d);
boost::json::object ToJson(const core::Group& g);
boost::json::object ToJson(const core::OperatorToken& t);  // never the hash
boost::json::object ToJson(const core::Credential& c);     // never the secret
boost::json::object ToJson(const core::AuditEntry& e);
boost::json::object ToJson(const core::Event& e);
boost::json::object ToJson(const core::Error& e);  // {"error": {"code", "message", "position"?}}

// A device from a create/import object: "name" required; "protocol", the identity fields,
// "labels" (object of strings), "metadata" (object) optional; any other member is an error
// (kInvalidArgument naming it). Types are checked; then core::ValidateNewDevice.
core::Result<core::Device> DeviceFromJson(const boost::json::value& v);
// A patch from a PATCH body (docs/api.md): every create field but "name", labels merge with
// null removing, optional "version".
core::Result<core::DevicePatch> DevicePatchFromJson(const boost::json::value& v);

// Parses a whole JSON text; kInvalidArgument with `position` (byte offset) on a syntax error.
core::Result<boost::json::value> Parse(std::string_view text);

// ---- bulk import
enum class ImportFormat { kJsonArray, kNdjson, kCsv };
// From a Content-Type value ("application/json", "application/x-ndjson", "text/csv", with or
// without parameters); nullopt if none of them.
std::optional<ImportFormat> ImportFormatFromContentType(std::string_view content_type);

struct ImportRow {
  std::size_t row = 0;                 // 1-based data row number
  std::optional<core::Device> device;  // set when the row parsed and validated
  std::string name;                    // the row's name as given, for the report
  core::Error error;                   // why it was rejected, when device is empty
};

// Turns a body that arrives in chunks of any size into validated rows, holding at most one
// incomplete row in memory. A structural error that makes the rest unreadable (JSON that is
// not an array of objects, a CSV header with an unknown column, a row of over 1 MiB,
// an unterminated quote at the end) returns an error; a bad row is reported as a rejected
// ImportRow and parsing goes on.
class ImportParser {
 public:
  virtual ~ImportParser() = default;
  static std::unique_ptr<ImportParser> Create(ImportFormat format);
  virtual core::Result<void> Feed(std::string_view chunk, std::vector<ImportRow>& out) = 0;
  virtual core::Result<void> Finish(std::vector<ImportRow>& out) = 0;
  // The most bytes of unfinished row text held at once so far: the bound on the parser's
  // memory, whatever the body's size (at most about one row of over 1 MiB).
  virtual std::size_t PeakBufferedBytes() const = 0;
};

}  // namespace custos::json
