#include "cli/table.h"

#include <algorithm>

namespace custos::cli {
namespace {

constexpr std::string_view kEllipsis = "…";
constexpr std::size_t kGap = 2;
// Cells up to this wide are never elided: ids, states, versions, timestamps stay whole, and
// only long free text (names, filters, details, messages) gives way.
constexpr std::size_t kNeverElided = 24;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::size_t DisplayWidth(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuation(c); }));
}

std::string Elide(std::string_view text, std::size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep width - 1 code points, then the ellipsis.
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    if (!IsContinuation(static_cast<unsigned char>(text[end]))) {
      if (kept == width - 1) break;
      ++kept;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + std::string(kEllipsis);
}

std::string SanitizeCell(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

TableWriter::TableWriter(Row header, TableStyle style, std::ostream& out)
    : header_(std::move(header)), style_(style), out_(out) {}

void TableWriter::Add(Row row) {
  row.resize(header_.size());
  for (auto& cell : row) cell = SanitizeCell(cell);
  pending_.push_back(std::move(row));
}

void TableWriter::FitToTerminal() {
  if (!style_.terminal || style_.width == 0 || widths_.empty()) return;
  std::vector<std::size_t> floors(widths_.size());
  std::size_t total = kGap * (widths_.size() - 1);
  for (std::size_t i = 0; i < widths_.size(); ++i) {
    floors[i] = std::max(DisplayWidth(header_[i]), std::min(widths_[i], kNeverElided));
    total += widths_[i];
  }
  while (total > style_.width) {
    // Narrow the widest column that may still give something up.
    std::size_t widest = widths_.size();
    for (std::size_t i = 0; i < widths_.size(); ++i) {
      if (widths_[i] > floors[i] && (widest == widths_.size() || widths_[i] > widths_[widest])) {
        widest = i;
      }
    }
    if (widest == widths_.size()) return;  // as narrow as it gets; let the terminal wrap
    --widths_[widest];
    --total;
  }
}

void TableWriter::Flush() {
  const bool first = !header_written_;
  if (first) {
    widths_.assign(header_.size(), 0);
    for (std::size_t i = 0; i < header_.size(); ++i) widths_[i] = DisplayWidth(header_[i]);
  }
  // On a terminal the widths chosen first stay (long cells are elided); elsewhere they grow,
  // because nothing may be cut.
  if (first || !style_.terminal) {
    for (const Row& row : pending_) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        widths_[i] = std::max(widths_[i], DisplayWidth(row[i]));
      }
    }
  }
  if (first) {
    FitToTerminal();
    WriteRow(header_);
    header_written_ = true;
  }
  for (const Row& row : pending_) WriteRow(row);
  pending_.clear();
  out_.flush();
}

void TableWriter::WriteRow(const Row& row) {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    std::string cell = style_.terminal ? Elide(row[i], widths_[i]) : row[i];
    line += cell;
    if (i + 1 < row.size()) {
      const std::size_t used = DisplayWidth(cell);
      line.append(widths_[i] > used ? widths_[i] - used : 0, ' ');
      line.append(kGap, ' ');
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out_ << line << '\n';
}

void RenderTable(Row header, std::vector<Row> rows, TableStyle style, std::ostream& out) {
  TableWriter writer(std::move(header), style, out);
  for (Row& row : rows) writer.Add(std::move(row));
  writer.Flush();
}

void RenderRecord(const std::vector<std::pair<std::string, std::string>>& fields,
                  std::ostream& out) {
  std::size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, DisplayWidth(key) + 1);
  for (const auto& [key, value] : fields) {
    std::string line = key + ":";
    line.append(width - DisplayWidth(key) - 1 + kGap, ' ');
    line += SanitizeCell(value);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

}  // namespace custos::cli
