#include "process_rss.h"

#include <fstream>
#include <sstream>
#include <string>

namespace custos::coap_bench {

std::optional<std::uint64_t> ReadVmRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace custos::coap_bench
