#include "cli/table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace custos::cli {
namespace {

std::string Render(Row header, std::vector<Row> rows, TableStyle style = {}) {
  std::ostringstream out;
  RenderTable(std::move(header), std::move(rows), style, out);
  return out.str();
}

TEST(TableTest, AlignsColumnsUnderTheHeader) {
  EXPECT_EQ(Render({"ID", "NAME", "STATE"}, {{"1", "sensor-0001", "active"}, {"42", "gw", "-"}}),
            "ID  NAME         STATE\n"
            "1   sensor-0001  active\n"
            "42  gw           -\n");
}

TEST(TableTest, EmptyTableIsTheHeaderAlone) { EXPECT_EQ(Render({"ID", "NAME"}, {}), "ID  NAME\n"); }

TEST(TableTest, NeverCutsWhenNotATerminal) {
  const std::string long_name(300, 'x');
  const std::string table = Render({"ID", "NAME"}, {{"1", long_name}}, {false, 40});
  EXPECT_NE(table.find(long_name), std::string::npos);
  EXPECT_EQ(table.find("…"), std::string::npos);
}

TEST(TableTest, ElidesTheWidestColumnToFitATerminal) {
  const std::string table =
      Render({"ID", "NAME", "STATE"}, {{"1", std::string(50, 'n'), "active"}}, {true, 40});
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(DisplayWidth(line), 40u) << line;
  EXPECT_NE(table.find("…"), std::string::npos) << "the cut is visible";
  EXPECT_NE(table.find("active"), std::string::npos) << "narrow columns are left alone";
}

TEST(TableTest, ShortCellsAreNeverCut) {
  // Far too narrow: the 30-column cell gives way down to 24, the rest stay whole and the
  // terminal wraps what still does not fit.
  const std::string table = Render({"ID", "STATE", "DETAILS"},
                                   {{"400003", "provisioned", std::string(30, 'd')}}, {true, 20});
  EXPECT_NE(table.find("400003  provisioned  " + std::string(23, 'd') + "…"), std::string::npos)
      << table;
}

TEST(TableTest, ATerminalWideEnoughCutsNothing) {
  const std::string table = Render({"ID", "NAME"}, {{"1", "sensor"}}, {true, 80});
  EXPECT_EQ(table, "ID  NAME\n1   sensor\n");
}

TEST(TableTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("Müller"), 6u);
  EXPECT_EQ(Render({"A", "B"}, {{"Müller", "x"}, {"ab", "y"}}),
            "A       B\n"
            "Müller  x\n"
            "ab      y\n");
}

TEST(TableTest, ElideKeepsWholeCodePoints) {
  EXPECT_EQ(Elide("abcdef", 6), "abcdef");
  EXPECT_EQ(Elide("abcdefg", 6), "abcde…");
  EXPECT_EQ(Elide("ääääää", 3), "ää…");
  EXPECT_EQ(DisplayWidth(Elide("ääääää", 3)), 3u);
  EXPECT_EQ(Elide("abc", 0), "");
}

TEST(TableTest, ControlCharactersCannotBreakRowsOrReachTheTerminal) {
  EXPECT_EQ(SanitizeCell("a\nb\tc\x1b[31m"), "a\\nb\\tc\\x1b[31m");
  EXPECT_EQ(Render({"A"}, {{"x\ny"}}), "A\nx\\ny\n");
}

TEST(TableTest, LaterPagesKeepOrGrowTheColumns) {
  std::ostringstream out;
  TableWriter writer({"ID", "NAME"}, {}, out);
  writer.Add({"1", "a"});
  writer.Flush();
  writer.Add({"2", "much-longer"});
  writer.Add({"3", "b"});
  writer.Flush();
  EXPECT_EQ(out.str(),
            "ID  NAME\n"
            "1   a\n"
            "2   much-longer\n"
            "3   b\n");
}

TEST(TableTest, RecordsAlignValuesAndCutNothing) {
  std::ostringstream out;
  RenderRecord({{"id", "42"}, {"firmware_version", "2.0.3"}, {"labels", "-"}}, out);
  EXPECT_EQ(out.str(),
            "id:                42\n"
            "firmware_version:  2.0.3\n"
            "labels:            -\n");
}

}  // namespace
}  // namespace custos::cli
