// Pieces of the Prometheus text exposition format 0.0.4, shared by Registry::Render and its
// tests. Internal to the metrics module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custos::metrics::exposition {

// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the shortest
// text that reads back as the same double.
std::string FormatValue(double v);

// Label values escape backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view v);
// HELP text escapes backslash and line feed only.
std::string EscapeHelp(std::string_view help);

// Appends `name{l1="v1",...,extra_name="extra_value"} value\n`; braces are left out when there
// are no labels at all.
void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name,
                  std::string_view extra_value, double value);

bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace custos::metrics::exposition
