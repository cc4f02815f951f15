#include "cli/import_file.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace custos::cli {

std::optional<ImportFormat> ImportFormatFromName(std::string_view name) {
  if (name == "json") return ImportFormat::kJson;
  if (name == "ndjson") return ImportFormat::kNdjson;
  if (name == "csv") return ImportFormat::kCsv;
  return std::nullopt;
}

std::optional<ImportFormat> ImportFormatFromPath(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string ext(base.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "json") return ImportFormat::kJson;
  if (ext == "ndjson" || ext == "jsonl") return ImportFormat::kNdjson;
  if (ext == "csv") return ImportFormat::kCsv;
  return std::nullopt;
}

std::string_view ContentType(ImportFormat format) {
  switch (format) {
    case ImportFormat::kJson:
      return "application/json";
    case ImportFormat::kNdjson:
      return "application/x-ndjson";
    case ImportFormat::kCsv:
      return "text/csv";
  }
  return "application/octet-stream";
}

void RowCounter::Feed(std::string_view piece) {
  switch (format_) {
    case ImportFormat::kCsv:
      FeedLines(piece, /*quotes=*/true);
      break;
    case ImportFormat::kNdjson:
      FeedLines(piece, /*quotes=*/false);
      break;
    case ImportFormat::kJson:
      FeedJson(piece);
      break;
  }
}

std::uint64_t RowCounter::Rows() const {
  switch (format_) {
    case ImportFormat::kCsv:
      return lines_ > 0 ? lines_ - 1 : 0;  // the header is not a row
    case ImportFormat::kNdjson:
      return lines_;
    case ImportFormat::kJson:
      return objects_;
  }
  return 0;
}

void RowCounter::FeedLines(std::string_view piece, bool quotes) {
  for (char c : piece) {
    // RFC 4180: a doubled quote inside quotes toggles twice, which leaves the state right.
    if (quotes && c == '"') in_string_ = !in_string_;
    if (c == '\n' && !in_string_) {
      if (line_has_content_) ++lines_;
      line_has_content_ = false;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      line_has_content_ = true;
    }
  }
}

void RowCounter::FeedJson(std::string_view piece) {
  for (char c : piece) {
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '[' || c == '{') {
      ++depth_;
    } else if (c == ']' || c == '}') {
      if (c == '}' && depth_ == 2) ++objects_;
      --depth_;
    }
  }
}

}  // namespace custos::cli
