#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/table.h"

namespace custos::cli {
namespace {

TEST(ProgressTest, FormatsBytesInBinaryUnits) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(12898509), "12.3 MiB");
  EXPECT_EQ(FormatBytes(1ull << 30), "1.0 GiB");
}

TEST(ProgressTest, FormatsCountsShort) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(812), "812");
  EXPECT_EQ(FormatCount(8123), "8.1k");
  EXPECT_EQ(FormatCount(41200), "41.2k");
  EXPECT_EQ(FormatCount(1.2e6), "1.2M");
}

TEST(ProgressTest, BarFillsTheWidthInProportion) {
  ProgressSample s;
  s.sent_bytes = 512 << 10;
  s.total_bytes = 1 << 20;
  s.rows = 20000;
  s.elapsed_s = 2;
  const std::string line = FormatProgress(s, 80);
  EXPECT_EQ(DisplayWidth(line), 80u) << line;
  EXPECT_NE(line.find(" 50%  512.0 KiB / 1.0 MiB  20.0k rows  10.0k rows/s"), std::string::npos)
      << line;
  // The bar's inside is half '=' (then the '>' head).
  const auto close = line.find(']');
  ASSERT_NE(close, std::string::npos);
  const std::size_t inside = close - 1;
  EXPECT_EQ(line.substr(1, inside / 2), std::string(inside / 2, '=')) << line;
  EXPECT_EQ(line[1 + inside / 2], '>') << line;
}

TEST(ProgressTest, FullBarAtTheEnd) {
  ProgressSample s;
  s.sent_bytes = 1000;
  s.total_bytes = 1000;
  const std::string line = FormatProgress(s, 60);
  const auto close = line.find(']');
  EXPECT_EQ(line.substr(1, close - 1), std::string(close - 1, '=')) << line;
  EXPECT_NE(line.find("100%"), std::string::npos);
}

TEST(ProgressTest, NarrowTerminalDropsTheBar) {
  ProgressSample s;
  s.sent_bytes = 10;
  s.total_bytes = 100;
  const std::string line = FormatProgress(s, 20);
  EXPECT_EQ(line.find('['), std::string::npos) << line;
  EXPECT_EQ(line.rfind(" 10%", 0), 0u) << line;
}

TEST(ProgressTest, UnknownTotalShowsBytesSentOnly) {
  ProgressSample s;
  s.sent_bytes = 2048;
  s.rows = 10;
  s.elapsed_s = 0;
  EXPECT_EQ(FormatProgress(s, 80), "2.0 KiB sent  10 rows  - rows/s");
  s.elapsed_s = 2;
  EXPECT_EQ(FormatProgress(s, 80), "2.0 KiB sent  10 rows  5 rows/s");
}

TEST(ProgressTest, DisabledBarWritesNothing) {
  std::ostringstream out;
  ProgressBar bar(out, false, 80, 100);
  bar.Update(50, 5);
  bar.Finish();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, EnabledBarRedrawsOneLineAndEndsIt) {
  std::ostringstream out;
  ProgressBar bar(out, true, 81, 100);
  bar.Update(100, 3);
  bar.Finish();
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("\r\x1b[K[", 0), 0u) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("100%"), std::string::npos);
}

}  // namespace
}  // namespace custos::cli
