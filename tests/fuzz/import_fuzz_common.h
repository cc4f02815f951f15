// Shared by the import fuzz targets: feeds one body to an ImportParser twice, all at once and
// in chunks whose sizes come from the fuzzer's bytes, and aborts unless both runs agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"

namespace custos::fuzz {

inline std::string Summary(const std::vector<json::ImportRow>& rows,
                           const core::Result<void>& end) {
  std::string s;
  for (const json::ImportRow& r : rows) {
    s += std::to_string(r.row) + "|" + r.name + "|";
    s += r.device ? r.device->name + r.device->metadata_json : "!" + r.error.message;
    s += "\n";
  }
  if (!end) s += "fatal " + end.error().message;
  return s;
}

// `sizes` drives chunk lengths (1..64 bytes each, cycling); `body` is the import body.
inline void CheckChunkingAgrees(json::ImportFormat format, std::string_view sizes,
                                std::string_view body) {
  std::vector<json::ImportRow> whole_rows;
  auto whole = json::ImportParser::Create(format);
  core::Result<void> whole_end = whole->Feed(body, whole_rows);
  if (whole_end) whole_end = whole->Finish(whole_rows);

  std::vector<json::ImportRow> chunked_rows;
  auto chunked = json::ImportParser::Create(format);
  core::Result<void> chunked_end;
  std::size_t at = 0, k = 0;
  while (at < body.size() && chunked_end) {
    const std::size_t n =
        sizes.empty() ? 1 : 1 + static_cast<unsigned char>(sizes[k++ % sizes.size()]) % 64;
    chunked_end = chunked->Feed(body.substr(at, n), chunked_rows);
    at += n;
  }
  if (chunked_end) chunked_end = chunked->Finish(chunked_rows);

  if (Summary(whole_rows, whole_end) != Summary(chunked_rows, chunked_end)) std::abort();
  if (chunked->PeakBufferedBytes() > body.size()) std::abort();
}

}  // namespace custos::fuzz
