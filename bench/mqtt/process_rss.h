// The resident set of another process (the broker under test).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace custos::mqtt_bench {

// The VmRSS line of a /proc/PID/status text, in KiB; nullopt if there is none.
std::optional<std::uint64_t> ParseVmRssKib(std::string_view status);

// VmRSS of process `pid` in KiB, from /proc/PID/status; nullopt if it cannot be read.
std::optional<std::uint64_t> ReadVmRssKib(pid_t pid);

}  // namespace custos::mqtt_bench
