#include "load_report.h"

#include <fmt/format.h>

namespace custos::mqtt_bench {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

std::string Micros(const LatencySamples& samples, double fraction) {
  return fmt::format("{:.1f}", static_cast<double>(samples.Percentile(fraction).count()) / 1e3);
}

std::string OrNull(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

}  // namespace

std::optional<double> LoadReport::RssPerConnectionBytes() const {
  if (!rss_before_kib || !rss_idle_kib || connect.connected == 0) return std::nullopt;
  const double delta = static_cast<double>(*rss_idle_kib) - static_cast<double>(*rss_before_kib);
  return delta * 1024.0 / static_cast<double>(connect.connected);
}

std::string ToJson(const LoadReport& r) {
  const auto rss = r.RssPerConnectionBytes();
  std::string json = "{";
  json += fmt::format("\"broker\": \"{}\"", Escape(r.broker));
  json += fmt::format(", \"connections\": {}, \"connected\": {}", r.connect.attempted,
                      r.connect.connected);
  json += fmt::format(", \"connect_s\": {:.3f}, \"connects_per_s\": {:.1f}", r.connect.seconds,
                      r.connect.per_s);
  json += fmt::format(", \"connack_p50_us\": {}, \"connack_p99_us\": {}",
                      Micros(r.connect.latency, 0.50), Micros(r.connect.latency, 0.99));
  json += fmt::format(", \"rss_before_kib\": {}, \"rss_idle_kib\": {}", OrNull(r.rss_before_kib),
                      OrNull(r.rss_idle_kib));
  json +=
      fmt::format(", \"rss_per_connection_bytes\": {}", rss ? fmt::format("{:.1f}", *rss) : "null");
  json += fmt::format(", \"publishers\": {}, \"messages_per_publisher\": {}, \"inflight\": {}",
                      r.publish.clients, r.publish.messages_per_client, r.publish.inflight);
  json += fmt::format(", \"acked\": {}, \"refused\": {}, \"publish_s\": {:.3f}", r.publish.acked,
                      r.publish.refused, r.publish.seconds);
  json += fmt::format(", \"acks_per_s\": {:.1f}, \"puback_p50_us\": {}, \"puback_p99_us\": {}",
                      r.publish.per_s, Micros(r.publish.latency, 0.50),
                      Micros(r.publish.latency, 0.99));
  json += fmt::format(", \"rtt_clients\": {}, \"rtt_requests_per_client\": {}",
                      r.round_trip.clients, r.round_trip.requests_per_client);
  json += fmt::format(", \"rtt_completed\": {}, \"rtt_p50_us\": {}, \"rtt_p99_us\": {}",
                      r.round_trip.completed, Micros(r.round_trip.latency, 0.50),
                      Micros(r.round_trip.latency, 0.99));
  json += fmt::format(", \"error\": \"{}\"", Escape(r.error));
  json += "}";
  return json;
}

}  // namespace custos::mqtt_bench
