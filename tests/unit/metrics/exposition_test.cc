#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <limits>

namespace custos::metrics::exposition {
namespace {

TEST(ExpositionTest, FormatsValues) {
  struct Case {
    double v;
    const char* want;
  };
  const Case cases[] = {
      {0, "0"},
      {42, "42"},
      {-3, "-3"},
      {0.25, "0.25"},
      {1e-3, "0.001"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatValue(c.v), c.want) << c.v;
}

TEST(ExpositionTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue(R"(a"b\c)"
                             "\n"),
            R"(a\"b\\c\n)");
  // HELP keeps double quotes as they are.
  EXPECT_EQ(EscapeHelp("say \"hi\"\\\n"), "say \"hi\"\\\\\\n");
}

TEST(ExpositionTest, AppendsSamplesWithAndWithoutLabels) {
  std::string out;
  AppendSample(out, "up", {}, {}, "", "", 1);
  AppendSample(out, "req", {"method", "route"}, {"GET", "/a"}, "", "", 2);
  AppendSample(out, "d_bucket", {"route"}, {"/a"}, "le", "0.5", 3);
  AppendSample(out, "d_bucket", {}, {}, "le", "+Inf", 4);
  EXPECT_EQ(out,
            "up 1\n"
            "req{method=\"GET\",route=\"/a\"} 2\n"
            "d_bucket{route=\"/a\",le=\"0.5\"} 3\n"
            "d_bucket{le=\"+Inf\"} 4\n");
}

TEST(ExpositionTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("custos_http_requests_total"));
  EXPECT_TRUE(IsValidMetricName("ns:sub_total"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_TRUE(IsValidLabelName("route"));
  EXPECT_FALSE(IsValidLabelName("__reserved"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

}  // namespace
}  // namespace custos::metrics::exposition
