#include "app/config.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <functional>
#include <toml++/toml.h>

namespace custos::app {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

Result<std::uint64_t> ParseUnsigned(std::string_view key, std::string_view text,
                                    std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: expected a whole number from {} to {}, got '{}'", key, min,
                                 max, text));
  }
  return v;
}

Result<double> ParseRate(std::string_view key, std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !(v >= 0) || v > 1e9) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}: expected a number from 0 to 1e9, got '{}'", key, text));
  }
  return v;
}

// mqtts.listen follows the certificate unless a layer names it; TLS needs both PEM files.
Result<void> ResolveMqtts(Config& c, bool mqtts_named) {
  const bool has_cert = !c.mqtt_tls_certificate.empty();
  const bool has_key = !c.mqtt_tls_private_key.empty();
  if (has_cert != has_key) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "mqtt.tls_certificate and mqtt.tls_private_key go together");
  }
  if (!mqtts_named && has_cert) c.mqtts_listen = HostPort{"127.0.0.1", 8883};
  if (c.mqtts_listen && !has_cert) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "mqtts.listen needs mqtt.tls_certificate and mqtt.tls_private_key");
  }
  if (!c.mqtt_tls_client_ca.empty() && !c.mqtts_listen) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "mqtt.tls_client_ca needs the TLS listener (mqtts.listen)");
  }
  return {};
}

std::string EnvNameOf(std::string_view key) {
  std::string out = "CUSTOS_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

// lwm2m.profile.NAME.read or .observe: NAME and the list, or nullopt for another key.
std::optional<std::pair<std::string, std::string>> Lwm2mProfileKey(std::string_view key) {
  constexpr std::string_view kPrefix = "lwm2m.profile.";
  if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  auto dot = key.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view list = key.substr(dot + 1);
  if (list != "read" && list != "observe") return std::nullopt;
  return std::make_pair(std::string(key.substr(0, dot)), std::string(list));
}

// Comma-separated LwM2M paths ("/3/0, /3/0/9"), each checked for its shape.
Result<std::vector<std::string>> ParseLwm2mPaths(std::string_view key, std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    bool ok = item.size() > 1 && item.front() == '/' && item.back() != '/';
    for (std::size_t i = 0; ok && i < item.size(); ++i) {
      ok = std::isdigit(static_cast<unsigned char>(item[i])) ||
           (item[i] == '/' && (i == 0 || item[i - 1] != '/'));
    }
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: '{}' is not an LwM2M path such as /3/0/9", key, item));
    }
    out.emplace_back(item);
  }
  return out;
}

// A listener key: "off" turns the listener off, anything else must be HOST:PORT.
Result<void> SetListener(const std::string& key, const std::string& value,
                         std::optional<HostPort>& target) {
  if (value == "off") {
    target.reset();
    return {};
  }
  auto hp = ParseHostPort(value);
  if (!hp) return MakeError(ErrorCode::kInvalidArgument, key + ": " + hp.error().message);
  target = *hp;
  return {};
}

Result<void> Apply(Config& c, const std::string& key, const std::string& value) {
  if (auto profile = Lwm2mProfileKey(key)) {
    auto paths = ParseLwm2mPaths(key, value);
    if (!paths) return tl::unexpected(paths.error());
    auto& target = c.lwm2m_profiles[profile->first];
    (profile->second == "read" ? target.read : target.observe) = std::move(*paths);
    return {};
  }
  if (key == "lwm2m.request_timeout_s") {
    auto v = ParseUnsigned(key, value, 1, 3600);
    if (!v) return tl::unexpected(v.error());
    c.lwm2m_request_timeout_s = static_cast<int>(*v);
    return {};
  }
  if (key == "lwm2m.models_dir") {
    c.lwm2m_models_dir = value;
    return {};
  }
  if (key == "lwm2m.queue_awake_s") {
    auto v = ParseUnsigned(key, value, 1, 86400);
    if (!v) return tl::unexpected(v.error());
    c.lwm2m_queue_awake_s = static_cast<int>(*v);
    return {};
  }
  if (key == "lwm2m.queue_max_per_device") {
    auto v = ParseUnsigned(key, value, 1, 1000);
    if (!v) return tl::unexpected(v.error());
    c.lwm2m_queue_max_per_device = static_cast<int>(*v);
    return {};
  }
  if (key == "lwm2m.package_base_url") {
    std::string url(value);
    while (!url.empty() && url.back() == '/') url.pop_back();
    const bool coap = url.starts_with("coap://") || url.starts_with("coaps://");
    if (!url.empty() && (!coap || url.find("://") + 3 == url.size())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: '{}' is not a coap:// or coaps:// URL", key, value));
    }
    c.lwm2m_package_base_url = url;
    return {};
  }
  if (key == "lwm2m.queue_deadline_s") {
    auto v = ParseUnsigned(key, value, 1, 366LL * 86400);
    if (!v) return tl::unexpected(v.error());
    c.lwm2m_queue_deadline_s = static_cast<std::int64_t>(*v);
    return {};
  }
  if (key == "data_dir") {
    if (value.empty()) return MakeError(ErrorCode::kInvalidArgument, "data_dir: empty");
    c.data_dir = value;
  } else if (key == "log_level") {
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error",
                                                   "off"};
    bool ok = false;
    for (auto l : kLevels) ok = ok || value == l;
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("log_level: '{}' is not one of trace, debug, info, warn, "
                                   "error, off",
                                   value));
    }
    c.log_level = value;
  } else if (key == "http.listen") {
    auto hp = ParseHostPort(value);
    if (!hp) {
      return MakeError(ErrorCode::kInvalidArgument, "http.listen: " + hp.error().message);
    }
    c.http_listen = *hp;
  } else if (key == "http.max_body_bytes") {
    auto v = ParseUnsigned(key, value, 1024, std::uint64_t{1} << 32);
    if (!v) return tl::unexpected(v.error());
    c.http_max_body_bytes = *v;
  } else if (key == "http.max_import_bytes") {
    auto v = ParseUnsigned(key, value, 1024, std::uint64_t{1} << 40);
    if (!v) return tl::unexpected(v.error());
    c.http_max_import_bytes = *v;
  } else if (key == "http.io_threads") {
    auto v = ParseUnsigned(key, value, 1, 64);
    if (!v) return tl::unexpected(v.error());
    c.http_io_threads = static_cast<int>(*v);
  } else if (key == "http.worker_threads") {
    auto v = ParseUnsigned(key, value, 1, 1024);
    if (!v) return tl::unexpected(v.error());
    c.http_worker_threads = static_cast<int>(*v);
  } else if (key == "store.synchronous") {
    if (value != "full" && value != "normal") {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("store.synchronous: '{}' is not full or normal", value));
    }
    c.store_synchronous_full = value == "full";
  } else if (key == "coap.listen" || key == "coaps.listen") {
    auto set = SetListener(key, value, key == "coap.listen" ? c.coap_listen : c.coaps_listen);
    if (!set) return set;
  } else if (key == "coap.threads") {
    auto v = ParseUnsigned(key, value, 0, 64);
    if (!v) return tl::unexpected(v.error());
    c.coap_threads = static_cast<int>(*v);
  } else if (key == "mqtt.listen" || key == "mqtts.listen") {
    auto set = SetListener(key, value, key == "mqtt.listen" ? c.mqtt_listen : c.mqtts_listen);
    if (!set) return set;
  } else if (key == "mqtt.tls_certificate") {
    c.mqtt_tls_certificate = value;
  } else if (key == "mqtt.tls_private_key") {
    c.mqtt_tls_private_key = value;
  } else if (key == "mqtt.tls_client_ca") {
    c.mqtt_tls_client_ca = value;
  } else if (key == "mqtt.max_connect_rate") {
    auto v = ParseRate(key, value);
    if (!v) return tl::unexpected(v.error());
    c.mqtt_max_connect_rate = *v;
  } else if (key == "mqtt.max_packet_size") {
    // At most what the wire format can carry (a type byte, four length bytes, 268435455).
    auto v = ParseUnsigned(key, value, 1024, 268'435'460);
    if (!v) return tl::unexpected(v.error());
    c.mqtt_max_packet_size = static_cast<std::uint32_t>(*v);
  } else if (key == "mqtt.io_threads") {
    auto v = ParseUnsigned(key, value, 1, 64);
    if (!v) return tl::unexpected(v.error());
    c.mqtt_io_threads = static_cast<int>(*v);
  } else if (key == "store.read_connections") {
    auto v = ParseUnsigned(key, value, 1, 64);
    if (!v) return tl::unexpected(v.error());
    c.store_read_connections = static_cast<int>(*v);
  } else if (key == "operations.default_timeout_s") {
    auto v = ParseUnsigned(key, value, 1, 366LL * 86400);
    if (!v) return tl::unexpected(v.error());
    c.operations_default_timeout_s = static_cast<std::int64_t>(*v);
  } else if (key == "operations.max_attempts") {
    auto v = ParseUnsigned(key, value, 1, 100);
    if (!v) return tl::unexpected(v.error());
    c.operations_max_attempts = static_cast<int>(*v);
  } else if (key == "operations.retry_initial_s") {
    auto v = ParseUnsigned(key, value, 1, 86400);
    if (!v) return tl::unexpected(v.error());
    c.operations_retry_initial_s = static_cast<std::int64_t>(*v);
  } else if (key == "operations.battery_threshold") {
    auto v = ParseUnsigned(key, value, 0, 100);
    if (!v) return tl::unexpected(v.error());
    c.operations_battery_threshold = static_cast<int>(*v);
  } else if (key == "firmware.max_size") {
    auto v = ParseUnsigned(key, value, 1, std::uint64_t{1} << 40);
    if (!v) return tl::unexpected(v.error());
    c.firmware_max_size = *v;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("unknown setting '{}'", key));
  }
  return {};
}

bool IsKnownKey(std::string_view key) {
  if (Lwm2mProfileKey(key)) return true;
  for (const auto& k : ConfigKeys()) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& ConfigKeys() {
  static const std::vector<std::string> kKeys = {
      "data_dir",           "log_level",          "http.listen",
      "http.max_body_bytes", "http.max_import_bytes", "http.io_threads",
      "http.worker_threads", "store.synchronous",  "store.read_connections",
      "coap.listen",         "coaps.listen",       "coap.threads",
      "mqtt.listen",         "mqtts.listen",       "mqtt.tls_certificate",
      "mqtt.tls_private_key", "mqtt.tls_client_ca", "mqtt.max_connect_rate",
      "mqtt.max_packet_size", "mqtt.io_threads",
      "lwm2m.request_timeout_s", "lwm2m.profile.default.read", "lwm2m.profile.default.observe",
      "operations.default_timeout_s", "operations.max_attempts", "operations.retry_initial_s",
      "operations.battery_threshold", "firmware.max_size",
      "lwm2m.models_dir", "lwm2m.queue_awake_s",
      "lwm2m.queue_max_per_device", "lwm2m.queue_deadline_s", "lwm2m.package_base_url"};
  return kKeys;
}

Result<HostPort> ParseHostPort(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not [IPv6]:PORT", text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, fmt::format("'{}' is not HOST:PORT", text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("'{}' has no host", text));
  }
  auto p = ParseUnsigned("port", port, 0, 65535);
  if (!p) return tl::unexpected(p.error());
  return HostPort{std::string(host), static_cast<std::uint16_t>(*p)};
}

Result<Settings> ReadConfigFile(const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}:{}: {}", path.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  Settings out;
  Result<void> status;
  auto take = [&](const std::string& key, const toml::node& node) {
    if (!IsKnownKey(key)) {
      status = MakeError(ErrorCode::kInvalidArgument,
                          fmt::format("{}:{}: unknown setting '{}'", path.string(),
                                      node.source().begin.line, key));
      return;
    }
    if (const auto* array = node.as_array()) {
      // A list (LwM2M profile paths): its strings joined by commas.
      std::string joined;
      for (const auto& item : *array) {
        auto text = item.value<std::string>();
        if (!text) {
          status = MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("{}:{}: '{}' must be a list of strings", path.string(),
                                         node.source().begin.line, key));
          return;
        }
        if (!joined.empty()) joined += ",";
        joined += *text;
      }
      out[key] = joined;
    } else if (auto s = node.value<std::string>()) {
      out[key] = *s;
    } else if (auto i = node.value<std::int64_t>()) {
      out[key] = std::to_string(*i);
    } else if (auto b = node.value<bool>()) {
      out[key] = *b ? "true" : "false";
    } else {
      status = MakeError(ErrorCode::kInvalidArgument,
                          fmt::format("{}:{}: '{}' must be a string or a number", path.string(),
                                      node.source().begin.line, key));
    }
  };
  // Tables nest as dotted keys ([lwm2m.profile.sensor] read = [...]).
  std::function<void(const std::string&, const toml::table&)> walk =
      [&](const std::string& prefix, const toml::table& t) {
        for (const auto& [k, v] : t) {
          if (!status) break;
          std::string key = prefix.empty() ? std::string(k.str())
                                           : prefix + "." + std::string(k.str());
          if (const auto* sub = v.as_table()) {
            walk(key, *sub);
          } else {
            take(key, v);
          }
        }
      };
  walk("", table);
  if (!status) return tl::unexpected(status.error());
  return out;
}

Settings SettingsFromEnvironment(char** envp) {
  Settings out;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = entry.substr(0, eq);
    for (const auto& key : ConfigKeys()) {
      if (name == EnvNameOf(key)) out[key] = std::string(entry.substr(eq + 1));
    }
    if (name == "CUSTOS_ADMIN_TOKEN") out["admin_token"] = std::string(entry.substr(eq + 1));
  }
  return out;
}

Result<Config> ResolveConfig(const Settings& file, const Settings& env, const Settings& flags) {
  Config c;
  bool mqtts_named = false;
  for (const Settings* layer : {&file, &env, &flags}) {
    mqtts_named = mqtts_named || layer->contains("mqtts.listen");
    for (const auto& [key, value] : *layer) {
      if (key == "admin_token") {
        if (layer != &env) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "the admin token is taken only from CUSTOS_ADMIN_TOKEN");
        }
        c.admin_token = value;
        continue;
      }
      if (auto ok = Apply(c, key, value); !ok) return tl::unexpected(ok.error());
    }
  }
  if (auto ok = ResolveMqtts(c, mqtts_named); !ok) return tl::unexpected(ok.error());
  return c;
}

}  // namespace custos::app
