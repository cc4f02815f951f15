#include "process_rss.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace custos::mqtt_bench {

std::optional<std::uint64_t> ParseVmRssKib(std::string_view status) {
  constexpr std::string_view kKey = "VmRSS:";
  std::size_t at = status.find(kKey);
  if (at == std::string_view::npos || (at > 0 && status[at - 1] != '\n')) return std::nullopt;
  at += kKey.size();
  while (at < status.size() && (status[at] == ' ' || status[at] == '\t')) ++at;
  std::uint64_t kib = 0;
  const char* begin = status.data() + at;
  const char* end = status.data() + status.size();
  auto [next, ec] = std::from_chars(begin, end, kib);
  if (ec != std::errc() || next == begin) return std::nullopt;
  return kib;
}

std::optional<std::uint64_t> ReadVmRssKib(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return ParseVmRssKib(text.str());
}

}  // namespace custos::mqtt_bench
