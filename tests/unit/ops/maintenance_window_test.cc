// Maintenance windows as pure functions of an instant: the cron parser, time zones across
// DST changes, Feb 29, the day-of-month/day-of-week OR rule, windows spanning midnight and
// windows longer than their period.
#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>

#include "ops/ops.h"

namespace custos::ops {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

// Milliseconds since the epoch of a UTC date and time.
core::TimeMs Utc(date::year_month_day day, std::chrono::minutes time = 0min) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (date::sys_days{day} + time).time_since_epoch())
      .count();
}

WindowSchedule Window(std::string cron, std::int64_t duration_s, std::string zone = "UTC") {
  core::MaintenanceWindow w;
  w.id = 1;
  w.cron = std::move(cron);
  w.duration_s = duration_s;
  w.time_zone = std::move(zone);
  auto compiled = CompileWindow(w);
  EXPECT_TRUE(compiled) << compiled.error().message;
  return compiled.value_or(WindowSchedule{});
}

std::optional<core::TimeMs> Next(const WindowSchedule& w, core::TimeMs t) {
  return NextOpening(std::span<const WindowSchedule>(&w, 1), t);
}
bool Inside(const WindowSchedule& w, core::TimeMs t) {
  return InsideAny(std::span<const WindowSchedule>(&w, 1), t);
}

TEST(CronTest, ParsesValuesRangesListsStepsAndNames) {
  auto spec = ParseCron("*/15 1-3,22 1,15 jan-mar,DEC mon-fri");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->minutes.count(), 4u);
  EXPECT_TRUE(spec->minutes.test(45));
  EXPECT_EQ(spec->hours.count(), 4u);
  EXPECT_TRUE(spec->hours.test(22));
  EXPECT_TRUE(spec->days_of_month.test(15));
  EXPECT_EQ(spec->months.count(), 4u);
  EXPECT_TRUE(spec->months.test(12));
  EXPECT_EQ(spec->days_of_week.count(), 5u);
  EXPECT_FALSE(spec->days_of_week.test(0));
  EXPECT_FALSE(spec->day_of_month_star);

  auto stepped = ParseCron("5/20 10-20/5 * * 7");
  ASSERT_TRUE(stepped);
  EXPECT_EQ(stepped->minutes.count(), 3u);  // 5, 25, 45
  EXPECT_EQ(stepped->hours.count(), 3u);    // 10, 15, 20
  EXPECT_TRUE(stepped->days_of_week.test(0));  // 7 is Sunday
  EXPECT_TRUE(stepped->day_of_month_star);
}

TEST(CronTest, RefusesMalformedFieldsNamingThem) {
  for (const char* bad : {"* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "* * * * 8", "*/0 * * * *", "5-3 * * * *", "x * * * *", "1,,2 * * * *"}) {
    auto spec = ParseCron(bad);
    ASSERT_FALSE(spec) << bad;
    EXPECT_EQ(spec.error().code, core::ErrorCode::kInvalidArgument);
  }
  EXPECT_NE(ParseCron("* * * * 9").error().message.find("day-of-week"), std::string::npos);
}

TEST(WindowTest, CompileRefusesUnknownZoneAndBadDuration) {
  core::MaintenanceWindow w;
  w.cron = "0 2 * * *";
  w.time_zone = "Mars/Olympus_Mons";
  auto zone = CompileWindow(w);
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().message.find("time_zone"), std::string::npos);
  w.time_zone = "Europe/Berlin";
  w.duration_s = 0;
  auto duration = CompileWindow(w);
  ASSERT_FALSE(duration);
  EXPECT_NE(duration.error().message.find("duration_s"), std::string::npos);
}

TEST(WindowTest, FollowsLocalTimeAcrossSpringForward) {
  // Europe/Berlin skips 02:00-03:00 local on 2026-03-29: the 02:00 start opens at the end of
  // the gap (03:00 CEST = 01:00 UTC), and the next day's at 02:00 CEST = 00:00 UTC.
  const WindowSchedule w = Window("0 2 * * *", 3600, "Europe/Berlin");
  EXPECT_EQ(Next(w, Utc(2026_y / 3 / 27, 12h)), Utc(2026_y / 3 / 28, 1h));  // 02:00 CET
  EXPECT_EQ(Next(w, Utc(2026_y / 3 / 28, 12h)), Utc(2026_y / 3 / 29, 1h));
  EXPECT_TRUE(Inside(w, Utc(2026_y / 3 / 29, 1h + 30min)));
  EXPECT_FALSE(Inside(w, Utc(2026_y / 3 / 29, 2h)));
  EXPECT_EQ(Next(w, Utc(2026_y / 3 / 29, 2h)), Utc(2026_y / 3 / 30, 0h));
}

TEST(WindowTest, OpensOnceWhenFallBackRepeatsTheStart) {
  // 02:30 happens twice in Europe/Berlin on 2026-10-25 (00:30 and 01:30 UTC): the window opens
  // at the first only; the next day 02:30 CET is 01:30 UTC.
  const WindowSchedule w = Window("30 2 * * *", 1800, "Europe/Berlin");
  EXPECT_EQ(Next(w, Utc(2026_y / 10 / 24, 12h)), Utc(2026_y / 10 / 25, 30min));
  EXPECT_TRUE(Inside(w, Utc(2026_y / 10 / 25, 45min)));
  EXPECT_FALSE(Inside(w, Utc(2026_y / 10 / 25, 1h + 45min)));
  EXPECT_EQ(Next(w, Utc(2026_y / 10 / 25, 1h)), Utc(2026_y / 10 / 26, 1h + 30min));
}

TEST(WindowTest, OpensOnFebruary29OfTheNextLeapYear) {
  const WindowSchedule w = Window("0 0 29 2 *", 3600);
  EXPECT_EQ(Next(w, Utc(2026_y / 3 / 1)), Utc(2028_y / 2 / 29));
  EXPECT_TRUE(Inside(w, Utc(2028_y / 2 / 29, 59min)));
  EXPECT_FALSE(Inside(w, Utc(2027_y / 3 / 1, 30min)));
}

TEST(WindowTest, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // 2026-11-28 is a Saturday; Monday is 11-30, the 1st is Tuesday 12-01.
  const core::TimeMs saturday = Utc(2026_y / 11 / 28);
  const WindowSchedule either = Window("0 12 1 * mon", 60);
  EXPECT_EQ(Next(either, saturday), Utc(2026_y / 11 / 30, 12h));
  EXPECT_EQ(Next(either, Utc(2026_y / 11 / 30, 13h)), Utc(2026_y / 12 / 1, 12h));
  EXPECT_EQ(Next(Window("0 12 * * 1", 60), saturday), Utc(2026_y / 11 / 30, 12h));
  EXPECT_EQ(Next(Window("0 12 1 * *", 60), saturday), Utc(2026_y / 12 / 1, 12h));
  // A field that starts with `*` makes it AND: odd days that are Mondays (Dec 7).
  EXPECT_EQ(Next(Window("0 12 */2 * 1", 60), saturday), Utc(2026_y / 12 / 7, 12h));
}

TEST(WindowTest, SpansMidnight) {
  // 22:00 to 02:00 Tokyo time (13:00 to 17:00 UTC).
  const WindowSchedule w = Window("0 22 * * *", 4 * 3600, "Asia/Tokyo");
  EXPECT_TRUE(Inside(w, Utc(2026_y / 11 / 28, 16h + 30min)));  // 01:30 the next local day
  EXPECT_FALSE(Inside(w, Utc(2026_y / 11 / 28, 17h)));
  EXPECT_EQ(Next(w, Utc(2026_y / 11 / 28, 17h)), Utc(2026_y / 11 / 29, 13h));
  EXPECT_EQ(Next(w, Utc(2026_y / 11 / 28, 16h)), Utc(2026_y / 11 / 28, 16h));
}

TEST(WindowTest, LongerThanItsPeriodIsAlwaysOpen) {
  const WindowSchedule hourly = Window("0 * * * *", 90 * 60);
  const WindowSchedule daily = Window("0 0 * * *", 25 * 3600, "America/New_York");
  for (core::TimeMs t = Utc(2026_y / 3 / 7); t < Utc(2026_y / 3 / 10); t += 7 * 60'000) {
    ASSERT_TRUE(Inside(hourly, t)) << t;
    ASSERT_TRUE(Inside(daily, t)) << t;  // across New York's 2026-03-08 spring forward
    ASSERT_EQ(Next(hourly, t), t);
  }
}

TEST(WindowTest, SeveralWindowsOpenAtTheEarliest) {
  const std::vector<WindowSchedule> windows{Window("0 3 * * *", 600), Window("0 1 * * *", 600)};
  EXPECT_EQ(NextOpening(windows, Utc(2026_y / 11 / 28)), Utc(2026_y / 11 / 28, 1h));
  EXPECT_EQ(NextOpening(windows, Utc(2026_y / 11 / 28, 2h)), Utc(2026_y / 11 / 28, 3h));
  EXPECT_TRUE(InsideAny(windows, Utc(2026_y / 11 / 28, 3h + 5min)));
  EXPECT_FALSE(InsideAny({}, Utc(2026_y / 11 / 28)));
  EXPECT_EQ(NextOpening({}, Utc(2026_y / 11 / 28)), std::nullopt);
}

}  // namespace
}  // namespace custos::ops
