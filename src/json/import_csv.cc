// CSV (RFC 4180): a header row naming columns, then one device per record. Quoted cells may
// hold commas, quotes ("") and line breaks; records end in LF or CRLF. The record being read
// is the only thing held in memory. Each record becomes the same JSON object a JSON import
// would carry, so both formats validate and report alike.
#include <algorithm>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "json/import_internal.h"
#include "json/json_support.h"

namespace custos::json::detail {
namespace {

constexpr std::string_view kBom = "\xef\xbb\xbf";
constexpr std::string_view kTextColumns[] = {
    "name",   "protocol",         "manufacturer",     "model",
    "serial", "hardware_version", "firmware_version", "software_version"};

struct Column {
  enum class Kind { kText, kLabels, kLabel, kMetadata };
  Kind kind = Kind::kText;
  std::string header;     // as written: "name", "label.region"
  std::string label_key;  // for kLabel
};

tl::unexpected<core::Error> RowError(std::string message) { return Invalid(std::move(message)); }

// "k=v;k=v" into `labels`; empty segments (a trailing ';') are allowed.
core::Result<void> SplitLabels(std::string_view cell, boost::json::object& labels) {
  while (!cell.empty()) {
    const std::size_t semi = cell.find(';');
    std::string_view item = cell.substr(0, semi);
    cell = semi == std::string_view::npos ? std::string_view() : cell.substr(semi + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return RowError("labels: expected key=value, found '" + std::string(item) + "'");
    }
    const std::string_view key = item.substr(0, eq);
    if (labels.contains(key)) return RowError("labels: '" + std::string(key) + "' given twice");
    labels[key] = item.substr(eq + 1);
  }
  return {};
}

class CsvParser final : public ImportParser {
 public:
  core::Result<void> Feed(std::string_view chunk, std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    for (std::size_t i = 0; i < chunk.size(); ++i, ++offset_) {
      const char c = chunk[i];
      if (after_cr_) {
        after_cr_ = false;
        if (c == '\n') continue;  // the LF of a CRLF
      }
      if (++record_bytes_ > kMaxRowBytes) {
        return Fail("row " + std::to_string(rows_ + 1) + " is larger than 1 MiB");
      }
      peak_ = std::max(peak_, record_bytes_);
      switch (state_) {
        case State::kCellStart:
          if (c == '"') {
            state_ = State::kQuoted;
            break;
          }
          state_ = State::kUnquoted;
          [[fallthrough]];
        case State::kUnquoted:
          if (c == ',') {
            EndCell();
          } else if (c == '\r' || c == '\n') {
            after_cr_ = c == '\r';
            if (auto r = EndRecord(out); !r) return r;
          } else {
            cell_.push_back(c);
          }
          break;
        case State::kQuoted:
          if (c == '"') {
            state_ = State::kQuoteInQuoted;
          } else {
            cell_.push_back(c);
          }
          break;
        case State::kQuoteInQuoted:
          if (c == '"') {
            cell_.push_back('"');
            state_ = State::kQuoted;
          } else if (c == ',') {
            EndCell();
          } else if (c == '\r' || c == '\n') {
            after_cr_ = c == '\r';
            if (auto r = EndRecord(out); !r) return r;
          } else {
            return Fail("unexpected character after a closing quote");
          }
          break;
      }
    }
    return {};
  }

  core::Result<void> Finish(std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    if (state_ == State::kQuoted) return Fail("unterminated quoted cell at the end of the body");
    if (record_bytes_ > 0) return EndRecord(out);
    return {};
  }

  std::size_t PeakBufferedBytes() const override { return peak_; }

 private:
  enum class State { kCellStart, kUnquoted, kQuoted, kQuoteInQuoted };

  tl::unexpected<core::Error> Fail(std::string message) {
    failed_ =
        core::Error{core::ErrorCode::kInvalidArgument,
                    "CSV import: " + message + " at byte " + std::to_string(offset_), offset_};
    return tl::unexpected(*failed_);
  }

  void EndCell() {
    cells_.push_back(std::move(cell_));
    cell_.clear();
    state_ = State::kCellStart;
  }

  core::Result<void> EndRecord(std::vector<ImportRow>& out) {
    // record_bytes_ counted the terminator; an empty line holds nothing else.
    const bool blank =
        cells_.empty() && cell_.empty() && state_ == State::kUnquoted && record_bytes_ <= 1;
    EndCell();
    std::vector<std::string> cells = std::move(cells_);
    cells_.clear();
    record_bytes_ = 0;
    if (blank) return {};
    if (!header_read_) {
      header_read_ = true;
      return ReadHeader(cells);
    }
    out.push_back(Row(++rows_, cells));
    return {};
  }

  core::Result<void> ReadHeader(std::vector<std::string>& cells) {
    if (!cells.empty() && cells[0].substr(0, kBom.size()) == kBom) cells[0].erase(0, kBom.size());
    for (const std::string& header : cells) {
      Column column;
      column.header = header;
      if (header.rfind("label.", 0) == 0 && header.size() > 6) {
        column.kind = Column::Kind::kLabel;
        column.label_key = header.substr(6);
      } else if (header == "labels") {
        column.kind = Column::Kind::kLabels;
      } else if (header == "metadata") {
        column.kind = Column::Kind::kMetadata;
      } else if (std::find(std::begin(kTextColumns), std::end(kTextColumns), header) ==
                 std::end(kTextColumns)) {
        return Fail("unknown column '" + header + "' in the header");
      }
      for (const Column& seen : columns_) {
        if (seen.header == header) return Fail("column '" + header + "' appears twice");
      }
      if (header == "name") name_column_ = columns_.size();
      columns_.push_back(std::move(column));
    }
    if (!name_column_) return Fail("the header has no 'name' column");
    return {};
  }

  ImportRow Row(std::size_t row, const std::vector<std::string>& cells) const {
    auto object = RowObject(cells);
    if (!object) {
      ImportRow rejected;
      rejected.row = row;
      if (*name_column_ < cells.size()) rejected.name = cells[*name_column_];
      rejected.error = std::move(object.error());
      return rejected;
    }
    return RowFromValue(row, *object);
  }

  core::Result<boost::json::value> RowObject(const std::vector<std::string>& cells) const {
    if (cells.size() != columns_.size()) {
      return RowError("expected " + std::to_string(columns_.size()) + " cells, found " +
                      std::to_string(cells.size()));
    }
    boost::json::object object;
    boost::json::object labels;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string& cell = cells[i];
      const Column& column = columns_[i];
      if (cell.empty()) continue;  // unset
      if (!IsValidUtf8(cell)) return RowError(column.header + ": invalid UTF-8");
      switch (column.kind) {
        case Column::Kind::kText:
          object[column.header] = cell;
          break;
        case Column::Kind::kLabels:
          if (auto r = SplitLabels(cell, labels); !r) return tl::unexpected(r.error());
          break;
        case Column::Kind::kLabel:
          if (labels.contains(column.label_key)) {
            return RowError("labels: '" + column.label_key + "' given twice");
          }
          labels[column.label_key] = cell;
          break;
        case Column::Kind::kMetadata: {
          auto metadata = Parse(cell);
          if (!metadata) return RowError("metadata: " + metadata.error().message);
          if (!metadata->is_object()) {
            return RowError(std::string("metadata: expected an object, found ") +
                            KindName(*metadata));
          }
          object["metadata"] = std::move(*metadata);
          break;
        }
      }
    }
    if (!labels.empty()) object["labels"] = std::move(labels);
    return boost::json::value(std::move(object));
  }

  State state_ = State::kCellStart;
  bool after_cr_ = false;
  std::string cell_;
  std::vector<std::string> cells_;
  std::size_t record_bytes_ = 0;  // bytes of the record being read, terminator included
  std::size_t offset_ = 0;        // of the byte being read, in the whole body
  bool header_read_ = false;
  std::vector<Column> columns_;
  std::optional<std::size_t> name_column_;
  std::size_t rows_ = 0;
  std::size_t peak_ = 0;
  std::optional<core::Error> failed_;
};

}  // namespace

std::unique_ptr<ImportParser> MakeCsvParser() { return std::make_unique<CsvParser>(); }

}  // namespace custos::json::detail
