// The server's configuration: defaults, overridden by a TOML file, overridden by environment
// variables, overridden by flags. Every key has all three spellings:
//
//   TOML                      env                         flag
//   data_dir                  CUSTOS_DATA_DIR             --data-dir
//   log_level                 CUSTOS_LOG_LEVEL            --log-level
//   http.listen               CUSTOS_HTTP_LISTEN          --http-listen
//   http.max_body_bytes       CUSTOS_HTTP_MAX_BODY_BYTES  --http-max-body-bytes
//   http.max_import_bytes     CUSTOS_HTTP_MAX_IMPORT_BYTES --http-max-import-bytes
//   http.io_threads           CUSTOS_HTTP_IO_THREADS      --http-io-threads
//   http.worker_threads       CUSTOS_HTTP_WORKER_THREADS  --http-worker-threads
//   store.synchronous         CUSTOS_STORE_SYNCHRONOUS    --store-synchronous  (full|normal)
//   store.read_connections    CUSTOS_STORE_READ_CONNECTIONS --store-read-connections
//   coap.listen               CUSTOS_COAP_LISTEN          --coap-listen   (HOST:PORT or off)
//   coaps.listen              CUSTOS_COAPS_LISTEN         --coaps-listen  (HOST:PORT or off)
//   coap.threads              CUSTOS_COAP_THREADS         --coap-threads  (0: one per core)
//   mqtt.listen               CUSTOS_MQTT_LISTEN          --mqtt-listen   (HOST:PORT or off)
//   mqtts.listen              CUSTOS_MQTTS_LISTEN         --mqtts-listen  (HOST:PORT or off)
//   mqtt.tls_certificate      CUSTOS_MQTT_TLS_CERTIFICATE --mqtt-tls-certificate  (PEM file)
//   mqtt.tls_private_key      CUSTOS_MQTT_TLS_PRIVATE_KEY --mqtt-tls-private-key  (PEM file)
//   mqtt.tls_client_ca        CUSTOS_MQTT_TLS_CLIENT_CA   --mqtt-tls-client-ca    (PEM file)
//   mqtt.max_connect_rate     CUSTOS_MQTT_MAX_CONNECT_RATE --mqtt-max-connect-rate (0: no limit)
//   mqtt.max_packet_size      CUSTOS_MQTT_MAX_PACKET_SIZE --mqtt-max-packet-size
//   mqtt.io_threads           CUSTOS_MQTT_IO_THREADS      --mqtt-io-threads
//   lwm2m.request_timeout_s   CUSTOS_LWM2M_REQUEST_TIMEOUT_S --lwm2m-request-timeout-s
//   lwm2m.profile.default.read    CUSTOS_LWM2M_PROFILE_DEFAULT_READ    (paths, comma-separated)
//   lwm2m.profile.default.observe CUSTOS_LWM2M_PROFILE_DEFAULT_OBSERVE (paths, comma-separated)
//   lwm2m.models_dir          CUSTOS_LWM2M_MODELS_DIR     --lwm2m-models-dir  (DDF XML files)
//   lwm2m.queue_awake_s       CUSTOS_LWM2M_QUEUE_AWAKE_S  --lwm2m-queue-awake-s
//   lwm2m.queue_max_per_device CUSTOS_LWM2M_QUEUE_MAX_PER_DEVICE --lwm2m-queue-max-per-device
//   lwm2m.queue_deadline_s    CUSTOS_LWM2M_QUEUE_DEADLINE_S --lwm2m-queue-deadline-s
//   lwm2m.package_base_url    CUSTOS_LWM2M_PACKAGE_BASE_URL --lwm2m-package-base-url
//   firmware.max_size         CUSTOS_FIRMWARE_MAX_SIZE    --firmware-max-size  (bytes)
//
// Other LwM2M device profiles exist only in the file: lwm2m.profile.NAME.read and .observe,
// each an array of LwM2M paths (or one comma-separated string).
//
// mqtts.listen defaults to 127.0.0.1:8883 when a certificate is configured and to off
// otherwise; naming it without a certificate and key is an error.
//
// The config file is named by --config or CUSTOS_CONFIG. CUSTOS_ADMIN_TOKEN (env only, never
// in a file) sets the first admin token's secret.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::app {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[v6]:PORT"; port 0 means any free port.
core::Result<HostPort> ParseHostPort(std::string_view text);

// The LwM2M paths read and observed after a device registers; unset: the built-in default.
struct Lwm2mProfileConfig {
  std::optional<std::vector<std::string>> read;
  std::optional<std::vector<std::string>> observe;
};

struct Config {
  std::filesystem::path data_dir = "data";
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  HostPort http_listen{"127.0.0.1", 8080};
  std::uint64_t http_max_body_bytes = 1 << 20;
  std::uint64_t http_max_import_bytes = std::uint64_t{1} << 30;
  int http_io_threads = 2;
  int http_worker_threads = 16;
  bool store_synchronous_full = true;
  int store_read_connections = 4;
  // CoAP over UDP and over DTLS 1.2; nullopt when set to "off".
  std::optional<HostPort> coap_listen = HostPort{"127.0.0.1", 5683};
  std::optional<HostPort> coaps_listen = HostPort{"127.0.0.1", 5684};
  int coap_threads = 0;
  // MQTT over TCP and over TLS; nullopt when off.
  std::optional<HostPort> mqtt_listen = HostPort{"127.0.0.1", 1883};
  std::optional<HostPort> mqtts_listen;
  std::string mqtt_tls_certificate;  // PEM: the server's certificate and chain
  std::string mqtt_tls_private_key;  // PEM
  std::string mqtt_tls_client_ca;    // PEM CAs for client certificates; "" takes any (pinned)
  double mqtt_max_connect_rate = 1000;  // CONNECTs per second; 0: no limit
  std::uint32_t mqtt_max_packet_size = 256 * 1024;
  int mqtt_io_threads = 2;
  std::optional<std::string> admin_token;  // from CUSTOS_ADMIN_TOKEN
  // LwM2M device management: how long a request to a device may take (then HTTP 504), and
  // the device profiles by name (a device's lwm2m-profile label; "default" otherwise).
  int lwm2m_request_timeout_s = 10;
  std::map<std::string, Lwm2mProfileConfig> lwm2m_profiles;
  // A directory of OMA DDF XML files added to the built-in objects at start (empty: none);
  // and how long a queue-mode device is taken as awake after it last talked to the server.
  std::filesystem::path lwm2m_models_dir;
  int lwm2m_queue_awake_s = 93;
  // Queue mode through the REST API: a request for a sleeping device becomes an operation,
  // refused (429) when the device already has this many unfinished ones; its deadline when
  // the request names none (?timeout=).
  int lwm2m_queue_max_per_device = 64;
  std::int64_t lwm2m_queue_deadline_s = 86400;
  // The base of the Package URI a firmware update writes to /5/0/1 ("coap://fw.example:5683":
  // the image is BASE/fw/{id}); empty: the URL of the listener the device registered on.
  std::string lwm2m_package_base_url;
  // Remote operations (docs/remote-operations.md): the deadline of an operation that names
  // none, how many undelivered attempts before it fails, the first retry's delay (doubling
  // after), and the battery percentage firmware updates wait for.
  std::int64_t operations_default_timeout_s = 86400;
  int operations_max_attempts = 5;
  std::int64_t operations_retry_initial_s = 10;
  int operations_battery_threshold = 20;
  // Firmware images (docs/firmware.md): the largest upload, in bytes.
  std::uint64_t firmware_max_size = std::uint64_t{256} << 20;
};

// Raw settings by dotted key ("http.listen"), as given by one source.
using Settings = std::map<std::string, std::string>;

// The settings of a TOML file; kInvalidArgument naming the file, line and key on errors,
// including unknown keys (a typo must not silently fall back to a default).
core::Result<Settings> ReadConfigFile(const std::filesystem::path& path);
// CUSTOS_* variables from an environment block (as `environ`).
Settings SettingsFromEnvironment(char** envp);

// Applies file, then env, then flags over the defaults, checking every value.
core::Result<Config> ResolveConfig(const Settings& file, const Settings& env,
                                   const Settings& flags);

// Every known dotted key, for flags and error messages.
const std::vector<std::string>& ConfigKeys();

}  // namespace custos::app
