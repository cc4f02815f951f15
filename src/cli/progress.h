// The progress bar of long uploads: a pure formatting function, and a small drawer that
// redraws one terminal line in place.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace custos::cli {

struct ProgressSample {
  std::uint64_t sent_bytes = 0;
  std::optional<std::uint64_t> total_bytes;  // unknown when reading a pipe
  std::uint64_t rows = 0;                    // rows sent so far (an estimate)
  bool count_rows = true;                    // false: a byte rate instead of rows (firmware)
  double elapsed_s = 0;
};

// "512 B", "1.5 KiB", "12.3 MiB", "1.0 GiB".
std::string FormatBytes(std::uint64_t bytes);
// A count in at most four significant characters: "812", "8.1k", "41.2k", "1.2M".
std::string FormatCount(double count);

// One line at most `width` columns wide:
//   "[=========>          ]  45%  12.3 MiB / 27.0 MiB  41.2k rows  8.1k rows/s"
// The bar is left out when the line would leave it fewer than 10 columns, and the
// percentage and bar when the total is unknown. The rate reads "-" for the first half second.
std::string FormatProgress(const ProgressSample& sample, std::size_t width);

// Redraws FormatProgress on one terminal line, at most ten times a second, when enabled.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::size_t width,
              std::optional<std::uint64_t> total_bytes, bool count_rows = true);

  void Update(std::uint64_t sent_bytes, std::uint64_t rows);
  // Draws the last state and ends the line.
  void Finish();

 private:
  void Draw();

  std::ostream& out_;
  bool enabled_;
  std::size_t width_;
  ProgressSample sample_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace custos::cli
