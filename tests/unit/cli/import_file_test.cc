#include "cli/import_file.h"

#include <gtest/gtest.h>

#include <string>

namespace custos::cli {
namespace {

TEST(ImportFileTest, FormatFromExtension) {
  EXPECT_EQ(ImportFormatFromPath("fleet.json"), ImportFormat::kJson);
  EXPECT_EQ(ImportFormatFromPath("/tmp/x/fleet.NDJSON"), ImportFormat::kNdjson);
  EXPECT_EQ(ImportFormatFromPath("fleet.jsonl"), ImportFormat::kNdjson);
  EXPECT_EQ(ImportFormatFromPath("a.b/fleet.Csv"), ImportFormat::kCsv);
  EXPECT_EQ(ImportFormatFromPath("fleet"), std::nullopt);
  EXPECT_EQ(ImportFormatFromPath("fleet.txt"), std::nullopt);
  EXPECT_EQ(ImportFormatFromPath("dir.csv/fleet"), std::nullopt) << "the directory's dot";
  EXPECT_EQ(ImportFormatFromPath(".csv"), std::nullopt) << "a hidden file, no extension";
}

TEST(ImportFileTest, FormatFromName) {
  EXPECT_EQ(ImportFormatFromName("json"), ImportFormat::kJson);
  EXPECT_EQ(ImportFormatFromName("ndjson"), ImportFormat::kNdjson);
  EXPECT_EQ(ImportFormatFromName("csv"), ImportFormat::kCsv);
  EXPECT_EQ(ImportFormatFromName("xml"), std::nullopt);
}

TEST(ImportFileTest, ContentTypesMatchTheApi) {
  EXPECT_EQ(ContentType(ImportFormat::kJson), "application/json");
  EXPECT_EQ(ContentType(ImportFormat::kNdjson), "application/x-ndjson");
  EXPECT_EQ(ContentType(ImportFormat::kCsv), "text/csv");
}

// Feeds `text` one byte at a time and all at once; both must count the same.
std::uint64_t Count(ImportFormat format, const std::string& text) {
  RowCounter whole(format);
  whole.Feed(text);
  RowCounter bytewise(format);
  for (char c : text) bytewise.Feed(std::string_view(&c, 1));
  EXPECT_EQ(whole.Rows(), bytewise.Rows()) << text;
  return whole.Rows();
}

TEST(ImportFileTest, CountsCsvRowsAfterTheHeader) {
  EXPECT_EQ(Count(ImportFormat::kCsv, "name,model\n"), 0u);
  EXPECT_EQ(Count(ImportFormat::kCsv, "name,model\na,m\nb,m\n"), 2u);
  EXPECT_EQ(Count(ImportFormat::kCsv, "name,metadata\na,\"{\"\"x\"\":\n1}\"\nb,{}\n"), 2u)
      << "a newline inside quotes is not a row end";
  EXPECT_EQ(Count(ImportFormat::kCsv, "name\r\na\r\n\r\nb\r\n"), 2u) << "blank lines skipped";
}

TEST(ImportFileTest, CountsNdjsonLines) {
  EXPECT_EQ(Count(ImportFormat::kNdjson, "{\"name\":\"a\"}\n\n{\"name\":\"b\"}\n"), 2u);
  EXPECT_EQ(Count(ImportFormat::kNdjson, "{\"name\":\"a\"}\n{\"name\":\"b\"}"), 1u)
      << "a row is counted once its end is seen";
}

TEST(ImportFileTest, CountsTopLevelObjectsOfAJsonArray) {
  EXPECT_EQ(Count(ImportFormat::kJson, "[]"), 0u);
  EXPECT_EQ(Count(ImportFormat::kJson,
                  R"([{"name":"a","labels":{"k":"v"}},{"name":"b}\"{","metadata":{"x":[{}]}}])"),
            2u);
}

}  // namespace
}  // namespace custos::cli
