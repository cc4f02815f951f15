// Plain-text tables: aligned columns under a header row. Nothing is cut when the output is
// not a terminal; on a terminal too narrow for the table, the columns of long free text
// (over 24 columns) are narrowed and their long cells end in "…", so a cut is always
// visible; short cells are never cut.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custos::cli {

struct TableStyle {
  bool terminal = false;  // narrow columns to fit `width`, eliding long cells
  std::size_t width = 0;  // the terminal's columns; 0 when unknown
};

// Terminal columns `text` takes: one per UTF-8 code point.
std::size_t DisplayWidth(std::string_view text);

// `text` shortened to at most `width` columns, the last of them "…" when it was cut.
std::string Elide(std::string_view text, std::size_t width);

// `text` with control characters escaped (\n, \t, \x1b...), so that what devices report
// can neither break a row nor drive the terminal.
std::string SanitizeCell(std::string_view text);

using Row = std::vector<std::string>;

// Writes a table in pieces. Column widths are set by the rows of the first Flush and later
// only grow, so a long listing is written page by page without holding it all in memory.
class TableWriter {
 public:
  TableWriter(Row header, TableStyle style, std::ostream& out);

  void Add(Row row);
  // Writes the header (the first time) and the rows added since the last Flush.
  void Flush();

 private:
  void FitToTerminal();
  void WriteRow(const Row& row);

  Row header_;
  TableStyle style_;
  std::ostream& out_;
  std::vector<Row> pending_;
  std::vector<std::size_t> widths_;
  bool header_written_ = false;
};

// A whole table at once.
void RenderTable(Row header, std::vector<Row> rows, TableStyle style, std::ostream& out);

// One record as "key:  value" lines with the values aligned; values are never cut.
void RenderRecord(const std::vector<std::pair<std::string, std::string>>& fields,
                  std::ostream& out);

}  // namespace custos::cli
