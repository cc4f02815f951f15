// The five-field cron parser of maintenance windows.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cctype>
#include <string>

#include "ops/maintenance_window.h"

namespace custos::ops {
namespace {

struct FieldRule {
  const char* name;
  int min;
  int max;
  std::array<const char*, 13> names;  // names[i] is value min + i ... ; empty when none
};

constexpr FieldRule kMinute{"minute", 0, 59, {}};
constexpr FieldRule kHour{"hour", 0, 23, {}};
constexpr FieldRule kDayOfMonth{"day-of-month", 1, 31, {}};
constexpr FieldRule kMonth{
    "month",
    1,
    12,
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr FieldRule kDayOfWeek{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

core::Error Bad(const FieldRule& rule, std::string_view part, std::string_view why) {
  return core::Error{core::ErrorCode::kInvalidArgument,
                     fmt::format("cron {} field: '{}' {}", rule.name, part, why)};
}

std::optional<int> ParseValue(const FieldRule& rule, std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (std::isalpha(static_cast<unsigned char>(text[0]))) {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int i = 0; i < 13; ++i) {
      if (rule.names[i] != nullptr && lower == rule.names[i]) return rule.min + i;
    }
    return std::nullopt;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses one field into `bits` (indexed by value).
template <std::size_t N>
core::Result<void> ParseField(const FieldRule& rule, std::string_view field, std::bitset<N>& bits) {
  while (true) {
    const std::size_t comma = field.find(',');
    const std::string_view part = field.substr(0, comma);
    std::string_view range = part;
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string_view::npos) {
      range = part.substr(0, slash);
      auto parsed = ParseValue(FieldRule{rule.name, 1, 0, {}}, part.substr(slash + 1));
      if (!parsed || *parsed < 1) return tl::unexpected(Bad(rule, part, "has a bad step"));
      step = *parsed;
    }
    int low = rule.min;
    int high = rule.max;
    if (range == "*") {
      if (rule.max == 7) high = 6;  // day-of-week: * is Sunday to Saturday once
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      auto a = ParseValue(rule, range.substr(0, dash));
      auto b = ParseValue(rule, range.substr(dash + 1));
      if (!a || !b) return tl::unexpected(Bad(rule, part, "is not a range"));
      low = *a;
      high = *b;
    } else {
      auto a = ParseValue(rule, range);
      if (!a) return tl::unexpected(Bad(rule, part, "is not a value"));
      low = *a;
      // `5/10` runs from 5 to the end of the field; a bare value is just itself.
      high = part.find('/') != std::string_view::npos ? rule.max : *a;
    }
    if (low < rule.min || high > rule.max || low > high) {
      return tl::unexpected(Bad(rule, part, fmt::format("is outside {}-{}", rule.min, rule.max)));
    }
    for (int v = low; v <= high; v += step) bits.set(rule.max == 7 ? v % 7 : v);
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return {};
}

}  // namespace

core::Result<CronSpec> ParseCron(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("cron: expected 5 fields (minute hour day-of-month month "
                                       "day-of-week), got {}",
                                       fields.size()));
  }
  CronSpec spec;
  if (auto r = ParseField(kMinute, fields[0], spec.minutes); !r) return tl::unexpected(r.error());
  if (auto r = ParseField(kHour, fields[1], spec.hours); !r) return tl::unexpected(r.error());
  if (auto r = ParseField(kDayOfMonth, fields[2], spec.days_of_month); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = ParseField(kMonth, fields[3], spec.months); !r) return tl::unexpected(r.error());
  if (auto r = ParseField(kDayOfWeek, fields[4], spec.days_of_week); !r) {
    return tl::unexpected(r.error());
  }
  spec.day_of_month_star = fields[2].front() == '*';
  spec.day_of_week_star = fields[4].front() == '*';
  return spec;
}

}  // namespace custos::ops
