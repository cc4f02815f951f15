#include "cli/progress.h"

#include <fmt/format.h>

#include <algorithm>

namespace custos::cli {
namespace {

constexpr std::size_t kMinBar = 10;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr double kSettleSeconds = 0.5;

}  // namespace

std::string FormatBytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string FormatCount(double count) {
  if (count < 1000) return fmt::format("{:.0f}", count);
  if (count < 1e6) return fmt::format("{:.1f}k", count / 1e3);
  if (count < 1e9) return fmt::format("{:.1f}M", count / 1e6);
  return fmt::format("{:.1f}G", count / 1e9);
}

std::string FormatProgress(const ProgressSample& sample, std::size_t width) {
  // A rate over the first moments mostly measures socket buffers; wait for a real one.
  const std::string rate = sample.elapsed_s >= kSettleSeconds
                               ? FormatCount(static_cast<double>(sample.rows) / sample.elapsed_s)
                               : "-";
  std::string rows =
      fmt::format("{} rows  {} rows/s", FormatCount(static_cast<double>(sample.rows)), rate);
  if (!sample.count_rows) {
    rows = sample.elapsed_s >= kSettleSeconds
               ? FormatBytes(static_cast<std::uint64_t>(static_cast<double>(sample.sent_bytes) /
                                                        sample.elapsed_s)) +
                     "/s"
               : "-/s";
  }
  if (!sample.total_bytes) {
    return fmt::format("{} sent  {}", FormatBytes(sample.sent_bytes), rows);
  }
  const std::uint64_t total = *sample.total_bytes;
  const double fraction =
      total == 0
          ? 1.0
          : std::min(1.0, static_cast<double>(sample.sent_bytes) / static_cast<double>(total));
  const std::string text = fmt::format("{:3}%  {} / {}  {}", static_cast<int>(fraction * 100),
                                       FormatBytes(sample.sent_bytes), FormatBytes(total), rows);
  // "[" bar "]" and two spaces before the text.
  if (width < text.size() + 4 + kMinBar) return text;
  const std::size_t bar = width - text.size() - 4;
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar));
  std::string line = "[";
  line.append(filled, '=');
  if (filled < bar) {
    line += '>';
    line.append(bar - filled - 1, ' ');
  }
  line += "]  ";
  line += text;
  return line;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::size_t width,
                         std::optional<std::uint64_t> total_bytes, bool count_rows)
    : out_(out),
      enabled_(enabled),
      width_(width),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  sample_.total_bytes = total_bytes;
  sample_.count_rows = count_rows;
}

void ProgressBar::Update(std::uint64_t sent_bytes, std::uint64_t rows) {
  sample_.sent_bytes = sent_bytes;
  sample_.rows = rows;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  Draw();
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  Draw();
  out_ << '\n';
  out_.flush();
}

void ProgressBar::Draw() {
  sample_.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // Leave the last column free: writing into it makes some terminals wrap.
  const std::size_t width = width_ > 1 ? width_ - 1 : 79;
  std::string line = FormatProgress(sample_, width);
  // "\r" + clear to the end of the line, so a shorter line leaves no tail behind.
  out_ << "\r\x1b[K" << line;
  out_.flush();
  drawn_ = true;
}

}  // namespace custos::cli
