#include "payloads.h"

#include <fmt/format.h>

#include <ctime>

namespace custos::mqtt_bench {

std::string ReportedStateTopic(std::string_view name) {
  return fmt::format("devices/{}/state/reported", name);
}

std::string RequestTopic(std::string_view name, std::string_view rid) {
  return fmt::format("devices/{}/requests/{}", name, rid);
}

std::string RepliesFilter(std::string_view name) {
  return fmt::format("devices/{}/replies/#", name);
}

std::optional<std::string> ReportedState(std::uint32_t seq, std::size_t size) {
  if (size < kMinReportedStateSize) return std::nullopt;
  std::string out =
      fmt::format(R"({{"state":{{"seq":"{:08d}","temp_c":21.5,"pad":")", seq % 100'000'000u);
  out.append(size - kMinReportedStateSize, 'x');
  out += R"("}})";
  return out;
}

std::string TimeRequest() { return R"({"method":"time"})"; }

std::string TimeReply(std::int64_t epoch_ms) {
  const std::time_t seconds = epoch_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format(
      R"({{"method":"time","result":{{"time":"{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z","epoch_ms":{}}}}})",
      utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
      epoch_ms % 1000, epoch_ms);
}

std::optional<std::string> ReplyTopicFor(std::string_view request_topic) {
  constexpr std::string_view kPrefix = "devices/";
  constexpr std::string_view kRequests = "/requests/";
  if (!request_topic.starts_with(kPrefix)) return std::nullopt;
  const std::string_view rest = request_topic.substr(kPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  const std::string_view name = rest.substr(0, slash);
  const std::string_view tail = rest.substr(slash);
  if (!tail.starts_with(kRequests)) return std::nullopt;
  const std::string_view rid = tail.substr(kRequests.size());
  if (rid.empty() || rid.find('/') != std::string_view::npos) return std::nullopt;
  return fmt::format("devices/{}/replies/{}", name, rid);
}

std::string_view LastLevel(std::string_view topic) {
  const std::size_t slash = topic.rfind('/');
  return slash == std::string_view::npos ? topic : topic.substr(slash + 1);
}

}  // namespace custos::mqtt_bench
