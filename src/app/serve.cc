#include "app/serve.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http_server.h"
#include "app/coap_service.h"
#include "app/config.h"
#include "app/lwm2m_delivery.h"
#include "app/lwm2m_gateway.h"
#include "app/mqtt_service.h"
#include "campaign/campaign.h"
#include "core/core.h"
#include "firmware/firmware.h"
#include "metrics/metrics.h"
#include "ops/ops.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::app {
namespace {

constexpr auto kConnectivityFlushInterval = std::chrono::seconds(1);

// Holds an exclusive lock on DATA_DIR/custos.lock so that two servers never share a store.
class DataDirLock {
 public:
  static core::Result<DataDirLock> Acquire(const std::filesystem::path& dir) {
    auto path = dir / "custos.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("cannot open {}: {}", path.string(), strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("{} is in use by another custos server", dir.string()));
    }
    return DataDirLock(fd);
  }
  DataDirLock(DataDirLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// Periodically writes connectivity hot state back to the store.
class ConnectivityFlusher {
 public:
  explicit ConnectivityFlusher(core::Registry& registry)
      : registry_(registry), thread_([this] { Run(); }) {}
  ~ConnectivityFlusher() { Stop(); }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    Flush();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, kConnectivityFlushInterval, [&] { return stop_; })) {
      lock.unlock();
      Flush();
      lock.lock();
    }
  }
  void Flush() {
    if (auto ok = registry_.FlushConnectivity(); !ok) {
      spdlog::warn("connectivity flush failed: {}", ok.error().message);
    }
  }

  core::Registry& registry_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

core::Result<Config> LoadConfig(int argc, char** argv, char** envp, bool& exit_now,
                                int& exit_code) {
  CLI::App cli{"custos serve: run the Custos device management server", "custos serve"};
  std::string config_path;
  Settings flags;
  cli.add_option("--config", config_path, "TOML configuration file (env CUSTOS_CONFIG)");
  for (const auto& key : ConfigKeys()) {
    std::string flag = "--" + key;
    for (char& c : flag) {
      if (c == '.' || c == '_') c = '-';
    }
    cli.add_option_function<std::string>(
        flag, [&flags, key](const std::string& v) { flags[key] = v; },
        fmt::format("overrides {} (see docs/operations.md)", key));
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_now = true;
    exit_code = cli.exit(e);
    return core::MakeError(core::ErrorCode::kInvalidArgument, "");
  }
  Settings env = SettingsFromEnvironment(envp);
  if (config_path.empty()) {
    if (const char* p = std::getenv("CUSTOS_CONFIG"); p != nullptr) config_path = p;
  }
  Settings file;
  if (!config_path.empty()) {
    auto read = ReadConfigFile(config_path);
    if (!read) return tl::unexpected(read.error());
    file = std::move(*read);
  }
  return ResolveConfig(file, env, flags);
}

void BlockStopSignals(sigset_t& set) {
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

int Serve(int argc, char** argv, char** envp) {
  // Block the stop signals before any thread starts, so that every thread inherits the mask
  // and only sigwait below sees them.
  sigset_t stop_signals;
  BlockStopSignals(stop_signals);

  bool exit_now = false;
  int exit_code = 0;
  auto config = LoadConfig(argc, argv, envp, exit_now, exit_code);
  if (exit_now) return exit_code;
  if (!config) {
    std::cerr << "custos serve: " << config.error().message << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data directory {}: {}", config->data_dir.string(), ec.message());
    return 1;
  }
  auto lock = DataDirLock::Acquire(config->data_dir);
  if (!lock) {
    spdlog::error("{}", lock.error().message);
    return 1;
  }

  core::Clock& clock = core::SystemClock();
  store::SqliteOptions store_options;
  store_options.path = config->data_dir / "custos.db";
  store_options.clock = &clock;
  store_options.read_connections = config->store_read_connections;
  store_options.synchronous_full = config->store_synchronous_full;
  auto store = store::OpenSqliteStore(store_options);
  if (!store) {
    spdlog::error("cannot open store {}: {}", store_options.path.string(),
                  store.error().message);
    return 1;
  }

  core::EventBus events(clock);
  core::Registry registry(**store, events, clock);
  core::TokenService tokens(**store, clock);
  if (auto loaded = registry.Load(); !loaded) {
    spdlog::error("cannot load the fleet: {}", loaded.error().message);
    return 1;
  }
  auto admin = tokens.Bootstrap(config->admin_token);
  if (!admin) {
    spdlog::error("cannot create the admin token: {}", admin.error().message);
    return 1;
  }

  // Remote operations: deliverers join as their protocols start; it starts after them.
  ops::EngineOptions operations_options;
  operations_options.default_timeout_ms = config->operations_default_timeout_s * 1000;
  operations_options.max_attempts = config->operations_max_attempts;
  operations_options.retry_initial_ms = config->operations_retry_initial_s * 1000;
  operations_options.battery_threshold = config->operations_battery_threshold;
  ops::Engine operations(ops::EngineServices{**store, registry, events, clock},
                         operations_options);
  // Staged campaigns create their operations through the engine; started after it.
  campaign::Manager campaigns(
      campaign::ManagerServices{**store, registry, events, clock, operations}, {});

  auto firmware = firmware::Library::Open(
      firmware::LibraryOptions{config->data_dir, config->firmware_max_size}, **store);
  if (!firmware) {
    spdlog::error("cannot open the firmware images: {}", firmware.error().message);
    return 1;
  }

  metrics::Registry metrics;
  api::HttpOptions http_options;
  http_options.host = config->http_listen.host;
  http_options.port = config->http_listen.port;
  http_options.max_body_bytes = config->http_max_body_bytes;
  http_options.max_import_bytes = config->http_max_import_bytes;
  http_options.io_threads = config->http_io_threads;
  http_options.worker_threads = config->http_worker_threads;
  // Attached to the device manager once CoAP runs; queues requests for sleeping devices.
  Lwm2mGateway lwm2m_gateway(
      &operations, clock,
      Lwm2mQueueOptions{std::chrono::seconds(config->lwm2m_queue_awake_s),
                        config->lwm2m_queue_max_per_device,
                        config->lwm2m_queue_deadline_s * 1000});
  auto http = api::HttpServer::Start(
      http_options, api::Services{registry, tokens, events, **store, metrics, &lwm2m_gateway,
                                  &operations, firmware->get(), &campaigns});
  if (!http) {
    spdlog::error("cannot serve HTTP on {}:{}: {}", http_options.host, http_options.port,
                  http.error().message);
    return 1;
  }
  auto coap = CoapService::Start(*config, **store, registry, events, metrics);
  if (!coap) {
    spdlog::error("cannot serve CoAP: {}", coap.error().message);
    (*http)->Stop();
    return 1;
  }
  lwm2m_gateway.Attach((*coap)->devices(), &(*coap)->registrations());
  (*coap)->ServeFirmware(firmware->get());
  // LwM2M operations go out through the device manager; every Register and Update is a
  // contact, when what waits for a queue-mode device goes out.
  // Firmware updates write a Package URI on the listener the device uses (or the configured
  // public base), or push the image over it, and follow Object 5 until the device registers
  // with the new version.
  FirmwareUpdateOptions firmware_update_options;
  for (const auto& coap_url : (*coap)->Urls()) {
    (coap_url.starts_with("coaps://") ? firmware_update_options.coaps_base
                                      : firmware_update_options.coap_base) = coap_url;
  }
  if (!config->lwm2m_package_base_url.empty()) {
    firmware_update_options.coap_base = config->lwm2m_package_base_url;
    firmware_update_options.coaps_base = config->lwm2m_package_base_url;
  }
  firmware_update_options.endpoints = [service = coap->get()](bool secure) {
    return service->endpoint(secure);
  };
  Lwm2mFirmwareUpdates lwm2m_firmware(*(*coap)->devices(), (*coap)->registrations(),
                                      *firmware->get(), events, operations,
                                      std::move(firmware_update_options));
  if (auto resumed = lwm2m_firmware.ResumeUnfinished(**store); !resumed) {
    spdlog::warn("cannot resume LwM2M firmware updates: {}", resumed.error().message);
  }
  Lwm2mDelivery lwm2m_delivery(*(*coap)->devices(), (*coap)->registrations(), operations, clock,
                               std::chrono::seconds(config->lwm2m_queue_awake_s),
                               &lwm2m_firmware);
  operations.AddDeliverer(lwm2m_delivery);
  (*coap)->OnContact([&operations, &lwm2m_firmware](core::DeviceId device) {
    operations.OnContact(device);
    lwm2m_firmware.OnContact(device);
  });
  auto mqtt = MqttService::Start(*config, MqttServices{**store, registry, tokens, events, clock,
                                                      metrics, &operations});
  if (!mqtt) {
    spdlog::error("cannot serve MQTT: {}", mqtt.error().message);
    (*coap)->Stop();
    (*http)->Stop();
    return 1;
  }
  if (auto started = operations.Start(); !started) {
    spdlog::error("cannot start remote operations: {}", started.error().message);
    (*mqtt)->Stop();
    (*coap)->Stop();
    (*http)->Stop();
    return 1;
  }
  if (auto started = campaigns.Start(); !started) {
    spdlog::error("cannot start campaigns: {}", started.error().message);
    operations.Stop();
    (*mqtt)->Stop();
    (*coap)->Stop();
    (*http)->Stop();
    return 1;
  }
  ConnectivityFlusher flusher(registry);

  const std::string host = http_options.host.find(':') != std::string::npos
                               ? "[" + http_options.host + "]"
                               : http_options.host;
  const std::string url = fmt::format("http://{}:{}", host, (*http)->port());
  const auto coap_urls = (*coap)->Urls();
  (*firmware)->SetBaseUrls(url, coap_urls.empty() ? "" : coap_urls.front());
  spdlog::info("custos {} serving {} devices; data in {}", CUSTOS_VERSION,
               registry.fleet().Size(), config->data_dir.string());
  // Stable lines on stdout: scripts and tests read them.
  std::cout << "custos: http listening on " << url << "\n";
  for (const auto& coap_url : (*coap)->Urls()) {
    std::cout << "custos: " << coap_url.substr(0, coap_url.find(':')) << " listening on "
              << coap_url << "\n";
  }
  for (const auto& mqtt_url : (*mqtt)->Urls()) {
    std::cout << "custos: " << mqtt_url.substr(0, mqtt_url.find(':')) << " listening on "
              << mqtt_url << "\n";
  }
  std::cout << "custos: REST API " << url << "/api/v1  OpenAPI " << url
            << "/api/v1/openapi.json  metrics " << url << "/metrics\n";
  if (*admin) {
    std::cout << "custos: admin token (shown once, keep it safe): " << **admin << "\n";
  }
  std::cout << std::flush;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");

  campaigns.Stop();  // it creates operations: before the engine stops
  operations.Stop();  // it calls the deliverers: before their protocols stop
  lwm2m_firmware.Stop();  // before the CoAP endpoints: their last replies find it stopped
  (*mqtt)->Stop();
  (*coap)->Stop();
  (*http)->Stop();
  flusher.Stop();
  events.Close();
  (*store)->Close();
  spdlog::info("stopped cleanly");
  std::cout << "custos: stopped" << std::endl;
  return 0;
}

}  // namespace custos::app
