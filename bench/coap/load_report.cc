// ToJson of load_generator.h: one line that bench/coap.sh reads field by field.
#include <cstdio>
#include <string>

#include "load_generator.h"

namespace custos::coap_bench {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

std::string Number(double value, int decimals = 1) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string OptionalKib(const std::optional<std::uint64_t>& kib) {
  return kib ? std::to_string(*kib) : "null";
}

}  // namespace

std::string ToJson(const LoadReport& r, const std::string& server) {
  std::string rss_per_peer = "null";
  if (r.warm_up_complete && r.rss_before_kib && r.rss_after_warm_up_kib && r.endpoints > 0) {
    // Signed: a server may give memory back during the warm-up.
    const double delta =
        static_cast<double>(*r.rss_after_warm_up_kib) - static_cast<double>(*r.rss_before_kib);
    rss_per_peer = Number(delta * 1024.0 / static_cast<double>(r.endpoints));
  }
  std::string json = "{";
  json += "\"server\": \"" + Escape(server) + "\"";
  json += ", \"endpoints\": " + std::to_string(r.endpoints);
  json += ", \"sockets\": " + std::to_string(r.sockets);
  json += ", \"window\": " + std::to_string(r.window);
  json += ", \"warm_up_complete\": " + std::string(r.warm_up_complete ? "true" : "false");
  json += ", \"warmed\": " + std::to_string(r.warmed);
  json += ", \"warm_up_s\": " + Number(r.warm_up_s, 3);
  json += ", \"measured_s\": " + Number(r.measured_s, 3);
  json += ", \"exchanges\": " + std::to_string(r.exchanges);
  json += ", \"requests_per_s\": " + Number(r.requests_per_s);
  json += ", \"p50_us\": " + Number(r.p50_us);
  json += ", \"p99_us\": " + Number(r.p99_us);
  json += ", \"max_us\": " + Number(r.max_us);
  json += ", \"retransmissions\": " + std::to_string(r.retransmissions);
  json += ", \"gave_up\": " + std::to_string(r.gave_up);
  json += ", \"unanswered_at_end\": " + std::to_string(r.unanswered_at_end);
  json += ", \"lost\": " + std::to_string(r.lost());
  json += ", \"datagrams_sent\": " + std::to_string(r.datagrams_sent);
  json += ", \"datagrams_received\": " + std::to_string(r.datagrams_received);
  json += ", \"unexpected\": " + std::to_string(r.unexpected);
  json += ", \"late\": " + std::to_string(r.late);
  json += ", \"send_errors\": " + std::to_string(r.send_errors);
  json += ", \"reply_bytes\": " + std::to_string(r.reply_bytes);
  json += ", \"replies_echoed\": " + std::string(r.replies_echoed ? "true" : "false");
  json += ", \"rss_before_kib\": " + OptionalKib(r.rss_before_kib);
  json += ", \"rss_after_warm_up_kib\": " + OptionalKib(r.rss_after_warm_up_kib);
  json += ", \"rss_per_peer_bytes\": " + rss_per_peer;
  json += ", \"error\": \"" + Escape(r.error) + "\"";
  json += "}";
  return json;
}

}  // namespace custos::coap_bench
