// The topics and messages the load generator sends: the device contract's (docs/mqtt-contract.md)
// for Custos, and byte for byte the same to any other broker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custos::mqtt_bench {

// "devices/{name}/state/reported".
std::string ReportedStateTopic(std::string_view name);
// "devices/{name}/requests/{rid}".
std::string RequestTopic(std::string_view name, std::string_view rid);
// "devices/{name}/replies/#": where the answers to the device's requests arrive.
std::string RepliesFilter(std::string_view name);
// The filter a stand-in responder subscribes to on a plain broker.
inline constexpr std::string_view kAllRequestsFilter = "devices/+/requests/#";

// The shortest document ReportedState can make.
inline constexpr std::size_t kMinReportedStateSize = 51;

// A reported-state message of exactly `size` bytes that the contract accepts:
// {"state":{"seq":"<8 digits>","temp_c":21.5,"pad":"xx..."}}, `seq` taken modulo 10^8 so
// that every message changes the state. nullopt if `size` < kMinReportedStateSize.
std::optional<std::string> ReportedState(std::uint32_t seq, std::size_t size);

// The request the round-trip scenario sends: {"method":"time"}.
std::string TimeRequest();

// A responder's answer shaped as the contract's reply to "time":
// {"method":"time","result":{"time":"<RFC 3339 UTC, ms>","epoch_ms":N}}.
std::string TimeReply(std::int64_t epoch_ms);

// For "devices/{name}/requests/{rid}", "devices/{name}/replies/{rid}"; nullopt for any other
// topic (a responder ignores it).
std::optional<std::string> ReplyTopicFor(std::string_view request_topic);

// The last level of a topic ("devices/d/replies/r7" -> "r7").
std::string_view LastLevel(std::string_view topic);

}  // namespace custos::mqtt_bench
