// What the CLI knows about an import file before the server sees it: its format, and a
// running count of the rows sent so far for the progress bar. The server does the parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace custos::cli {

enum class ImportFormat { kJson, kNdjson, kCsv };

// "json", "ndjson" or "csv" (as for --format).
std::optional<ImportFormat> ImportFormatFromName(std::string_view name);
// By the file's extension, case-insensitive: .json; .ndjson or .jsonl; .csv.
std::optional<ImportFormat> ImportFormatFromPath(std::string_view path);
// The Content-Type the server expects for the format (docs/api.md).
std::string_view ContentType(ImportFormat format);

// Counts rows in a body fed in pieces of any size, cheaply and without parsing them: CSV
// lines outside quotes after the header, non-blank NDJSON lines, objects at the top level of
// a JSON array. A row is counted once its end has been seen.
class RowCounter {
 public:
  explicit RowCounter(ImportFormat format) : format_(format) {}

  void Feed(std::string_view piece);
  std::uint64_t Rows() const;

 private:
  void FeedLines(std::string_view piece, bool quotes);
  void FeedJson(std::string_view piece);

  ImportFormat format_;
  std::uint64_t lines_ = 0;    // complete non-blank lines (CSV includes the header)
  std::uint64_t objects_ = 0;  // JSON: objects closed at depth 1
  bool line_has_content_ = false;
  bool in_string_ = false;
  bool escaped_ = false;
  int depth_ = 0;
};

}  // namespace custos::cli
