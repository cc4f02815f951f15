// The resident set of another process, for the bytes each peer costs a server.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace custos::coap_bench {

// VmRSS of process `pid` in KiB, from /proc/PID/status; nullopt if it cannot be read.
std::optional<std::uint64_t> ReadVmRssKib(pid_t pid);

}  // namespace custos::coap_bench
