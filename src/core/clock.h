// Time as the core sees it: milliseconds since the Unix epoch, behind an interface so that
// tests of anything scheduled use a fake clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custos::core {

using TimeMs = std::int64_t;  // milliseconds since 1970-01-01T00:00:00Z

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs Now() const = 0;
};

// The wall clock.
Clock& SystemClock();

// A clock that moves only when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimeMs start) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Advance(TimeMs delta) { now_ += delta; }
  void Set(TimeMs t) { now_ = t; }

 private:
  std::atomic<TimeMs> now_;
};

// RFC 3339 UTC with milliseconds, e.g. "2026-11-27T16:34:31.000Z".
std::string FormatTime(TimeMs t);

// An RFC 3339 date-time ("2026-11-01T00:00:00Z", "2026-11-01t00:00:00.123456+02:00") as epoch
// milliseconds (fractions beyond milliseconds are truncated); nullopt unless the whole text
// is one date-time with a valid calendar date.
std::optional<TimeMs> ParseTime(std::string_view text);

}  // namespace custos::core
