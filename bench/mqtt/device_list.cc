#include "device_list.h"

#include <fstream>
#include <sstream>

namespace custos::mqtt_bench {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

core::Result<std::vector<Device>> ParseDeviceList(std::string_view text) {
  std::vector<Device> devices;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && IsBlank(line.back())) line.remove_suffix(1);
    while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    std::size_t gap = 0;
    while (gap < line.size() && !IsBlank(line[gap])) ++gap;
    std::size_t second = gap;
    while (second < line.size() && IsBlank(line[second])) ++second;
    const std::string_view secret = line.substr(second);
    if (gap == line.size() || secret.empty() ||
        secret.find_first_of(" \t") != std::string_view::npos) {
      return core::MakeError(
          core::ErrorCode::kInvalidArgument,
          "device list line " + std::to_string(line_number) + ": expected NAME SECRET");
    }
    devices.push_back(Device{std::string(line.substr(0, gap)), std::string(secret)});
  }
  return devices;
}

core::Result<std::vector<Device>> ReadDeviceList(const std::string& path) {
  std::ifstream file(path);
  if (!file) return core::MakeError(core::ErrorCode::kNotFound, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return ParseDeviceList(text.str());
}

}  // namespace custos::mqtt_bench
