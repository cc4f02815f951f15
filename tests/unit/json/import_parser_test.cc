#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "json/json.h"

namespace custos::json {
namespace {

struct Outcome {
  std::vector<ImportRow> rows;
  std::optional<core::Error> fatal;
  std::size_t peak = 0;
};

// Feeds `body` in chunks of `chunk` bytes (0: all at once), then finishes.
Outcome Import(ImportFormat format, std::string_view body, std::size_t chunk = 0) {
  auto parser = ImportParser::Create(format);
  Outcome o;
  if (chunk == 0) chunk = body.size() + 1;
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    auto r = parser->Feed(body.substr(at, chunk), o.rows);
    if (!r) {
      o.fatal = r.error();
      return o;
    }
  }
  if (auto r = parser->Finish(o.rows); !r) o.fatal = r.error();
  o.peak = parser->PeakBufferedBytes();
  return o;
}

// A readable summary of an outcome, equal for equal outcomes.
std::string Describe(const Outcome& o) {
  std::string s;
  for (const ImportRow& r : o.rows) {
    s += std::to_string(r.row) + " name=" + r.name;
    if (r.device) {
      const core::Device& d = *r.device;
      s += " ok " + d.name + "|" + d.protocol + "|" + d.identity.manufacturer + "|" +
           d.identity.model + "|" + d.identity.serial + "|" + d.identity.hardware_version + "|" +
           d.identity.firmware_version + "|" + d.identity.software_version + "|" + d.metadata_json +
           "|";
      for (const auto& [k, v] : d.labels) s += k + "=" + v + ";";
    } else {
      s += " rejected: " + r.error.message;
    }
    s += "\n";
  }
  if (o.fatal) {
    s += "fatal: " + o.fatal->message + " @" +
         (o.fatal->position ? std::to_string(*o.fatal->position) : "-") + "\n";
  }
  return s;
}

const ImportRow& Row(const Outcome& o, std::size_t i) {
  static const ImportRow kNone;
  EXPECT_LT(i, o.rows.size());
  return i < o.rows.size() ? o.rows[i] : kNone;
}

void ExpectRejected(const ImportRow& r, std::size_t row, std::string_view message) {
  EXPECT_EQ(r.row, row);
  EXPECT_FALSE(r.device.has_value()) << "row " << row;
  EXPECT_NE(r.error.message.find(message), std::string::npos)
      << "row " << row << ": got \"" << r.error.message << "\", want \"" << message << "\"";
}

void ExpectFatal(const Outcome& o, std::string_view message, std::optional<std::size_t> at = {}) {
  ASSERT_TRUE(o.fatal.has_value()) << Describe(o);
  EXPECT_EQ(o.fatal->code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(o.fatal->message.find(message), std::string::npos)
      << "got \"" << o.fatal->message << "\", want \"" << message << "\"";
  if (at) {
    EXPECT_EQ(o.fatal->position, at) << o.fatal->message;
  }
}

// ---- JSON arrays

TEST(ImportJsonTest, ArrayOfObjectsWithBadRows) {
  const std::string body = R"(  [
    {"name": "a-1", "labels": {"region": "eu"}, "metadata": {"s": "}]\"[{"}},
    {"name": "bad name!"},
    42,
    "text",
    {"name": "a-2", "model": tru},
    {"name": "a-3", "colour": "red"},
    [1, {"name": "x"}],
    {"name": "a-4"}
  ] )";
  Outcome o = Import(ImportFormat::kJsonArray, body);
  ASSERT_FALSE(o.fatal.has_value()) << o.fatal->message;
  ASSERT_EQ(o.rows.size(), 8u) << Describe(o);
  EXPECT_EQ(Row(o, 0).row, 1u);
  ASSERT_TRUE(Row(o, 0).device.has_value()) << Row(o, 0).error.message;
  EXPECT_EQ(Row(o, 0).name, "a-1");
  EXPECT_EQ(Row(o, 0).device->labels.at("region"), "eu");
  EXPECT_EQ(boost::json::parse(Row(o, 0).device->metadata_json),
            boost::json::parse(R"({"s": "}]\"[{"})"));
  ExpectRejected(Row(o, 1), 2, "name: character ' ' not allowed at 3");
  EXPECT_EQ(Row(o, 1).name, "bad name!");
  ExpectRejected(Row(o, 2), 3, "expected a device object, found a number");
  ExpectRejected(Row(o, 3), 4, "found a string");
  ExpectRejected(Row(o, 4), 5, "invalid JSON at byte");
  ExpectRejected(Row(o, 5), 6, "unknown member 'colour'");
  EXPECT_EQ(Row(o, 5).name, "a-3");
  ExpectRejected(Row(o, 6), 7, "found an array");
  EXPECT_TRUE(Row(o, 7).device.has_value());
  EXPECT_EQ(Row(o, 7).row, 8u);
}

TEST(ImportJsonTest, EmptyArrayAndByteOrderMark) {
  Outcome empty = Import(ImportFormat::kJsonArray, " [ ] \n");
  EXPECT_FALSE(empty.fatal.has_value());
  EXPECT_TRUE(empty.rows.empty());
  Outcome bom = Import(ImportFormat::kJsonArray, "\xef\xbb\xbf[{\"name\":\"b\"}]");
  ASSERT_FALSE(bom.fatal.has_value()) << bom.fatal->message;
  ASSERT_EQ(bom.rows.size(), 1u);
  EXPECT_TRUE(bom.rows[0].device.has_value());
}

TEST(ImportJsonTest, BrokenStructureIsFatal) {
  ExpectFatal(Import(ImportFormat::kJsonArray, R"({"name": "a"})"), "expected a JSON array", 0);
  ExpectFatal(Import(ImportFormat::kJsonArray, ""), "expected a JSON array", 0);
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([{"name": "a"},])"), "expected an array element",
              15);
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([,{"name": "a"}])"), "expected an array element",
              1);
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([{"name": "a"})"), "array is not closed", 14);
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([{"name": "a)"), "array is not closed");
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([{"name": "a"} {"name": "b"}])"),
              "expected ',' or ']'", 15);
  ExpectFatal(Import(ImportFormat::kJsonArray, R"([] [])"), "unexpected data after the end", 3);
  // The rows before the break are still reported.
  Outcome partial = Import(ImportFormat::kJsonArray, R"([{"name": "a"}, {"name": "b"} x])");
  ExpectFatal(partial, "expected ',' or ']'");
  EXPECT_EQ(partial.rows.size(), 2u);
}

TEST(ImportJsonTest, RowOverOneMebibyteIsFatal) {
  const std::string big =
      R"([{"name": "a", "metadata": {"x": ")" + std::string(1 << 20, 'y') + R"("}}])";
  ExpectFatal(Import(ImportFormat::kJsonArray, big, 4096), "row 1 is larger than 1 MiB");
  const std::string big_scalar = "[" + std::string((1 << 20) + 10, '1') + "]";
  ExpectFatal(Import(ImportFormat::kJsonArray, big_scalar, 4096), "row 1 is larger than 1 MiB");
}

// ---- NDJSON

TEST(ImportNdjsonTest, LinesBlankLinesAndBadLines) {
  const std::string body =
      "{\"name\": \"n-1\"}\r\n"
      "\n"
      "   \t\n"
      "{\"name\": \"n 2\"}\n"
      "[1]\n"
      "{\"name\": \n"
      "{\"name\": \"n-3\", \"labels\": {\"k\": \"v\"}}";  // no final newline
  Outcome o = Import(ImportFormat::kNdjson, body);
  ASSERT_FALSE(o.fatal.has_value());
  ASSERT_EQ(o.rows.size(), 5u) << Describe(o);
  EXPECT_TRUE(Row(o, 0).device.has_value());
  EXPECT_EQ(Row(o, 0).row, 1u);
  ExpectRejected(Row(o, 1), 2, "name: character ' '");
  ExpectRejected(Row(o, 2), 3, "found an array");
  ExpectRejected(Row(o, 3), 4, "invalid JSON");
  EXPECT_EQ(Row(o, 4).row, 5u);
  ASSERT_TRUE(Row(o, 4).device.has_value());
  EXPECT_EQ(Row(o, 4).device->labels.at("k"), "v");
}

TEST(ImportNdjsonTest, LineOverOneMebibyteIsFatal) {
  const std::string body = "{\"name\": \"a\"}\n" + std::string((1 << 20) + 1, ' ') + "\n";
  Outcome o = Import(ImportFormat::kNdjson, body, 1000);
  ExpectFatal(o, "line 2 is longer than 1 MiB");
  EXPECT_EQ(o.rows.size(), 1u);
}

// ---- CSV

TEST(ImportCsvTest, ColumnsQuotingLabelsAndMetadata) {
  const std::string body =
      "name,protocol,manufacturer,model,serial,hardware_version,firmware_version,"
      "software_version,labels,metadata,label.site\r\n"
      "c-1,lwm2m,\"Acme, Inc.\",\"TH \"\"1\"\"\",S1,1.0,2.0,,region=eu;floor=3,"
      "\"{\"\"rack\"\": 4}\",berlin-3\r\n"
      "c-2,,,\"a, b\",,,,,,\"{\n\"\"a\"\": 1}\",\n"
      "\n"
      "c-3,mqtt,,,,,,,,,\n";
  Outcome o = Import(ImportFormat::kCsv, body);
  ASSERT_FALSE(o.fatal.has_value()) << o.fatal->message;
  ASSERT_EQ(o.rows.size(), 3u) << Describe(o);
  const ImportRow& first = Row(o, 0);
  ASSERT_TRUE(first.device.has_value()) << first.error.message;
  EXPECT_EQ(first.row, 1u);
  EXPECT_EQ(first.name, "c-1");
  EXPECT_EQ(first.device->protocol, "lwm2m");
  EXPECT_EQ(first.device->identity.manufacturer, "Acme, Inc.");
  EXPECT_EQ(first.device->identity.model, "TH \"1\"");
  EXPECT_EQ(first.device->identity.firmware_version, "2.0");
  EXPECT_EQ(first.device->identity.software_version, "");
  EXPECT_EQ(first.device->labels,
            (core::Labels{{"floor", "3"}, {"region", "eu"}, {"site", "berlin-3"}}));
  EXPECT_EQ(boost::json::parse(first.device->metadata_json), boost::json::parse(R"({"rack":4})"));
  const ImportRow& second = Row(o, 1);
  ASSERT_TRUE(second.device.has_value()) << second.error.message;
  EXPECT_EQ(second.row, 2u);
  EXPECT_EQ(second.device->identity.model, "a, b");
  EXPECT_TRUE(second.device->labels.empty());
  EXPECT_EQ(boost::json::parse(second.device->metadata_json), boost::json::parse(R"({"a":1})"));
  EXPECT_EQ(Row(o, 2).name, "c-3");
  EXPECT_EQ(Row(o, 2).row, 3u);
  EXPECT_TRUE(Row(o, 2).device.has_value());
}

TEST(ImportCsvTest, BadRowsAreRejectedAndParsingGoesOn) {
  const std::string body =
      "\xef\xbb\xbfname,labels,metadata,label.region\n"
      "r-1,a=1;b,,\n"
      "r-2,,[1],\n"
      "r-3,,{bad,\n"
      "r-4,region=eu,,us\n"
      "r-5,,\n"
      "r-6,,,\xc3\n"
      "bad name!,,,\n"
      "r-8,a=1;,,\n";
  Outcome o = Import(ImportFormat::kCsv, body);
  ASSERT_FALSE(o.fatal.has_value()) << o.fatal->message;
  ASSERT_EQ(o.rows.size(), 8u) << Describe(o);
  ExpectRejected(Row(o, 0), 1, "labels: expected key=value, found 'b'");
  EXPECT_EQ(Row(o, 0).name, "r-1");
  ExpectRejected(Row(o, 1), 2, "metadata: expected an object, found an array");
  ExpectRejected(Row(o, 2), 3, "metadata: invalid JSON");
  ExpectRejected(Row(o, 3), 4, "labels: 'region' given twice");
  ExpectRejected(Row(o, 4), 5, "expected 4 cells, found 3");
  EXPECT_EQ(Row(o, 4).name, "r-5");
  ExpectRejected(Row(o, 5), 6, "label.region: invalid UTF-8");
  ExpectRejected(Row(o, 6), 7, "name: character ' ' not allowed at 3");
  EXPECT_EQ(Row(o, 6).name, "bad name!");
  EXPECT_TRUE(Row(o, 7).device.has_value());
}

TEST(ImportCsvTest, BrokenStructureIsFatal) {
  ExpectFatal(Import(ImportFormat::kCsv, "name,colour\na,red\n"), "unknown column 'colour'");
  ExpectFatal(Import(ImportFormat::kCsv, "name,model,name\n"), "column 'name' appears twice");
  ExpectFatal(Import(ImportFormat::kCsv, "model,serial\nx,y\n"), "no 'name' column");
  ExpectFatal(Import(ImportFormat::kCsv, "name\n\"a\nb"), "unterminated quoted cell");
  ExpectFatal(Import(ImportFormat::kCsv, "name,model\n\"a\"x,b\n"),
              "unexpected character after a closing quote", 14);
  // Rows before the break are reported.
  Outcome partial = Import(ImportFormat::kCsv, "name\na\nb\n\"c");
  ExpectFatal(partial, "unterminated");
  EXPECT_EQ(partial.rows.size(), 2u);
}

TEST(ImportCsvTest, EmptyBodyAndHeaderOnlyHaveNoRows) {
  for (const char* body : {"", "name\n", "name,model\r\n\r\n"}) {
    Outcome o = Import(ImportFormat::kCsv, body);
    EXPECT_FALSE(o.fatal.has_value()) << body;
    EXPECT_TRUE(o.rows.empty()) << body;
  }
}

TEST(ImportCsvTest, RowOverOneMebibyteIsFatal) {
  const std::string body = "name,model\na,\"" + std::string(1 << 20, 'm') + "\"\n";
  ExpectFatal(Import(ImportFormat::kCsv, body, 65536), "row 1 is larger than 1 MiB");
}

// ---- chunking: any split, including inside quotes, escapes and UTF-8 sequences

TEST(ImportChunkingTest, OneByteAtATimeEqualsAllAtOnce) {
  struct Body {
    ImportFormat format;
    std::string text;
    std::size_t rows;
    std::size_t accepted;
    bool fatal;
  };
  const Body bodies[] = {
      {ImportFormat::kJsonArray,
       "\xef\xbb\xbf[{\"name\":\"j-1\",\"labels\":{\"city\":\"Z\xc3\xbcrich \xe2\x82\xac\"},"
       "\"metadata\":{\"q\":\"a\\\"]}\\\\\"}},\r\n 7 , \"s\\\"]\", {\"name\":\"bad!\"},"
       "{\"name\":\"j-2\",\"model\":\"\xf0\x9f\x93\xa1\"}]\n",
       5, 2, false},
      {ImportFormat::kJsonArray, "[{\"name\":\"x\"}, {\"name\":\"y\"} oops", 2, 2, true},
      {ImportFormat::kNdjson,
       "{\"name\":\"n-1\",\"labels\":{\"c\":\"\xc3\xa9\"}}\r\n\n{\"name\":\"n 2\"}\n[]\n"
       "{\"name\":\"n-3\"}",
       4, 2, false},
      {ImportFormat::kCsv,
       "\xef\xbb\xbfname,model,labels,label.city,metadata\r\n"
       "c-1,\"a,\"\"b\"\" "
       "c\",k=v;x=y,Z\xc3\xbcrich,\"{\"\"k\"\":[1,\"\"\xe2\x82\xac\"\"]\r\n}\"\r\n"
       "c-2,,,,\r\n"
       "c-3,only-two\r\n"
       "\r\n"
       "c-4,\"\",,\xe2\x82\xac,\n",
       4, 3, false},
      {ImportFormat::kCsv, "name,model\r\nq-1,\"ok\"\r\nq-2,\"open", 1, 1, true},
  };
  for (const Body& b : bodies) {
    const Outcome all_at_once = Import(b.format, b.text);
    const std::string whole = Describe(all_at_once);
    EXPECT_EQ(all_at_once.rows.size(), b.rows) << whole;
    EXPECT_EQ(std::count_if(all_at_once.rows.begin(), all_at_once.rows.end(),
                            [](const ImportRow& r) { return r.device.has_value(); }),
              static_cast<std::ptrdiff_t>(b.accepted))
        << whole;
    EXPECT_EQ(all_at_once.fatal.has_value(), b.fatal) << whole;
    for (std::size_t chunk : {1, 2, 3, 5, 7, 64}) {
      EXPECT_EQ(Describe(Import(b.format, b.text, chunk)), whole) << "chunk " << chunk << " of\n"
                                                                  << b.text;
    }
  }
}

// ---- memory: 100,000 rows with the parser never holding more than about one row

struct Generated {
  std::size_t accepted = 0;
  std::size_t rows = 0;
  std::size_t max_row_bytes = 0;
  std::size_t peak = 0;
};

Generated FeedGenerated(ImportFormat format, std::size_t n,
                        const std::function<std::string(std::size_t)>& row_text,
                        std::string_view head, std::string_view tail) {
  auto parser = ImportParser::Create(format);
  Generated g;
  std::vector<ImportRow> out;
  std::string chunk(head);
  auto drain = [&] {
    for (const ImportRow& r : out) {
      ++g.rows;
      if (r.device) ++g.accepted;
    }
    out.clear();
  };
  // Chunks of 64 KiB plus an odd amount, so that rows straddle chunk boundaries.
  constexpr std::size_t kChunk = 65536 + 13;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string row = row_text(i);
    g.max_row_bytes = std::max(g.max_row_bytes, row.size());
    chunk += row;
    if (chunk.size() >= kChunk) {
      EXPECT_TRUE(parser->Feed(std::string_view(chunk).substr(0, kChunk), out).has_value());
      chunk.erase(0, kChunk);
      drain();
    }
  }
  chunk += tail;
  EXPECT_TRUE(parser->Feed(chunk, out).has_value());
  EXPECT_TRUE(parser->Finish(out).has_value());
  drain();
  g.peak = parser->PeakBufferedBytes();
  return g;
}

std::string GeneratedJson(std::size_t i) {
  return "{\"name\":\"dev-" + std::to_string(i) +
         "\",\"manufacturer\":\"Acme\",\"firmware_version\":\"2." + std::to_string(i % 17) +
         "\",\"labels\":{\"region\":\"" + (i % 2 ? "eu" : "us") + "\"}}";
}

TEST(ImportMemoryTest, HundredThousandJsonArrayRowsInBoundedMemory) {
  constexpr std::size_t kRows = 100000;
  Generated g = FeedGenerated(
      ImportFormat::kJsonArray, kRows,
      [](std::size_t i) { return (i ? ",\n" : "") + GeneratedJson(i); }, "[", "]");
  EXPECT_EQ(g.rows, kRows);
  EXPECT_EQ(g.accepted, kRows);
  EXPECT_GT(g.peak, 0u);
  EXPECT_LE(g.peak, 2 * g.max_row_bytes);
}

TEST(ImportMemoryTest, HundredThousandNdjsonRowsInBoundedMemory) {
  constexpr std::size_t kRows = 100000;
  Generated g = FeedGenerated(
      ImportFormat::kNdjson, kRows, [](std::size_t i) { return GeneratedJson(i) + "\n"; }, "", "");
  EXPECT_EQ(g.rows, kRows);
  EXPECT_EQ(g.accepted, kRows);
  EXPECT_LE(g.peak, 2 * g.max_row_bytes);
}

TEST(ImportMemoryTest, HundredThousandCsvRowsInBoundedMemory) {
  constexpr std::size_t kRows = 100000;
  Generated g = FeedGenerated(
      ImportFormat::kCsv, kRows,
      [](std::size_t i) {
        return "dev-" + std::to_string(i) + ",Acme,\"2." + std::to_string(i % 17) +
               "\",region=" + (i % 2 ? "eu" : "us") + "\r\n";
      },
      "name,manufacturer,firmware_version,labels\r\n", "");
  EXPECT_EQ(g.rows, kRows);
  EXPECT_EQ(g.accepted, kRows);
  EXPECT_GT(g.peak, 0u);
  EXPECT_LE(g.peak, 2 * g.max_row_bytes);
}

}  // namespace
}  // namespace custos::json
