// NDJSON: one device object per line; blank lines are skipped and not counted as rows. A
// line held in one chunk is parsed in place; only a line split across chunks is copied.
#include <string>

#include "json/import_internal.h"
#include "json/json_support.h"

namespace custos::json::detail {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

class NdjsonParser final : public ImportParser {
 public:
  core::Result<void> Feed(std::string_view chunk, std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    while (!chunk.empty()) {
      const std::size_t newline = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, newline);
      if (buffer_.size() + piece.size() > kMaxRowBytes) {
        return Fail("line " + std::to_string(lines_ + 1) + " is longer than 1 MiB",
                    offset_ + kMaxRowBytes - buffer_.size());
      }
      if (newline == std::string_view::npos) {
        buffer_.append(piece);
        peak_ = std::max(peak_, buffer_.size());
        offset_ += piece.size();
        break;
      }
      if (buffer_.empty()) {
        Line(piece, out);
      } else {
        buffer_.append(piece);
        peak_ = std::max(peak_, buffer_.size());
        Line(buffer_, out);
        buffer_.clear();
      }
      offset_ += newline + 1;
      chunk.remove_prefix(newline + 1);
    }
    return {};
  }

  core::Result<void> Finish(std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    if (!buffer_.empty()) Line(buffer_, out);
    buffer_.clear();
    return {};
  }

  std::size_t PeakBufferedBytes() const override { return peak_; }

 private:
  void Line(std::string_view line, std::vector<ImportRow>& out) {
    ++lines_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) return;
    out.push_back(RowFromJsonText(++rows_, line));
  }

  tl::unexpected<core::Error> Fail(std::string message, std::size_t position) {
    failed_ = core::Error{core::ErrorCode::kInvalidArgument, "NDJSON import: " + message, position};
    return tl::unexpected(*failed_);
  }

  std::string buffer_;      // the unfinished line from earlier chunks
  std::size_t offset_ = 0;  // body offset of the start of the current chunk remainder
  std::size_t lines_ = 0;
  std::size_t rows_ = 0;
  std::size_t peak_ = 0;
  std::optional<core::Error> failed_;
};

}  // namespace

std::unique_ptr<ImportParser> MakeNdjsonParser() { return std::make_unique<NdjsonParser>(); }

}  // namespace custos::json::detail
