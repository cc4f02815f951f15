// Parses any bytes as a maintenance window's cron expression. Whatever parses must compile
// into a window whose next opening, when there is one, is not before the instant asked about
// and is inside the window.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ops/ops.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ops = custos::ops;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = ops::ParseCron(text);
  if (!spec) {
    if (spec.error().message.empty()) std::abort();
    return 0;
  }
  custos::core::MaintenanceWindow window;
  window.id = 1;
  window.cron = std::string(text);
  window.duration_s = 600;
  window.time_zone = "Europe/Berlin";  // a zone with daylight saving time
  auto compiled = ops::CompileWindow(window);
  if (!compiled) std::abort();  // the cron parsed, the rest is valid
  const ops::WindowSchedule windows[] = {*compiled};
  const custos::core::TimeMs t = 1'795'000'000'000;  // 2026-11-19
  auto next = ops::NextOpening(windows, t);
  if (next) {
    if (*next < t) std::abort();
    if (!ops::InsideAny(windows, *next)) std::abort();
  }
  return 0;
}
