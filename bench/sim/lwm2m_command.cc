#include "lwm2m_command.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "runner.h"

namespace custos::sim {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

struct Lwm2mArgs {
  Lwm2mConfig config;
  RunOptions run;
  std::string server = "coap://127.0.0.1:5683";
  std::string version = "1.1";
  std::string json_file;
  std::string secure_server = "coaps://127.0.0.1:5684";
  std::string psk_key = "000102030405060708090a0b0c0d0e0f";
};

std::optional<std::vector<std::uint8_t>> ParseHex(const std::string& text) {
  if (text.empty() || text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(text.c_str() + i, "%2x", &value) != 1) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  return bytes;
}

core::Result<Address> ParseServer(std::string text, std::uint16_t port = 5683) {
  if (text.starts_with("coap://")) text = text.substr(7);
  if (text.starts_with("coaps://")) text = text.substr(8);
  while (!text.empty() && text.back() == '/') text.pop_back();
  const auto colon = text.rfind(':');
  std::string host = text.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (colon != std::string::npos) {
    try {
      port = static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)));
    } catch (...) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "bad port in " + text);
    }
  }
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the server must be coap://a.b.c.d:port, not " + text);
  }
  return Address{ntohl(address.s_addr), port};
}

int Run(const Lwm2mArgs& args) {
  Lwm2mConfig config = args.config;
  auto server = ParseServer(args.server);
  if (!server) {
    std::cerr << "custos-sim: " << server.error().message << "\n";
    return 2;
  }
  config.server = *server;
  auto secure = ParseServer(args.secure_server, 5684);
  auto key = ParseHex(args.psk_key);
  if (!secure || !key) {
    std::cerr << "custos-sim: bad --secure-server or --psk-key\n";
    return 2;
  }
  config.secure_server = *secure;
  config.psk_key = *key;
  if (args.version == "1.0")
    config.version = Lwm2mVersion::kV1_0;
  else if (args.version == "1.2")
    config.version = Lwm2mVersion::kV1_2;
  else
    config.version = Lwm2mVersion::kV1_1;

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  RunOptions run = args.run;
  run.on_line = [](const std::string& line) { std::cout << line << std::endl; };
  std::cout << fmt::format("custos-sim: {} LwM2M {} devices against {}, {} bytes of state each",
                           config.devices, args.version, args.server, Fleet::BytesPerDevice())
            << std::endl;
  auto result = RunLwm2m(config, run, g_stop);
  if (!result) {
    std::cerr << "custos-sim: " << result.error().message << "\n";
    return 1;
  }
  std::cout << "final: " << FormatLine(result->stats, result->elapsed_s) << "\n";
  std::cout << fmt::format(
                   "state per device: {} bytes (sizeof), {:.0f} bytes (resident set "
                   "growth at start); send errors {}",
                   result->bytes_per_device, result->measured_bytes_per_device, result->send_errors)
            << std::endl;
  const std::string json = FormatJson(result->stats, result->elapsed_s, result->bytes_per_device);
  if (!args.json_file.empty()) {
    std::ofstream out(args.json_file);
    out << json << "\n";
    if (!out) {
      std::cerr << "custos-sim: cannot write " << args.json_file << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

void AddLwm2mCommand(CLI::App& app) {
  auto args = std::make_shared<Lwm2mArgs>();
  CLI::App* cmd = app.add_subcommand("lwm2m", "simulate LwM2M devices over CoAP");
  Lwm2mConfig& c = args->config;
  cmd->add_option("--server", args->server, "the LwM2M server, coap://a.b.c.d:port")
      ->capture_default_str();
  cmd->add_option("--devices", c.devices, "fleet size")->capture_default_str();
  cmd->add_option("--sockets", args->run.sockets, "UDP sockets (0: one per 16,000 devices)")
      ->capture_default_str();
  cmd->add_option("--ramp", c.ramp_per_s, "Registers started per second")->capture_default_str();
  cmd->add_option("--version", args->version, "LwM2M version")
      ->check(CLI::IsMember({"1.0", "1.1", "1.2"}))
      ->capture_default_str();
  cmd->add_option("--queue-share", c.queue_share, "share in queue mode (binding UQ)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--lifetime", c.lifetime_s, "registration lifetime, s")->capture_default_str();
  cmd->add_option("--awake", c.awake_s, "queue mode: awake time after each message, s")
      ->capture_default_str();
  cmd->add_option("--wake-every", c.wake_s, "queue mode: wake with an Update every S seconds")
      ->capture_default_str();
  cmd->add_option("--step", c.step_s, "values change (battery step) every S seconds")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  cmd->add_option("--prefix", c.prefix, "endpoint name prefix")->capture_default_str();
  cmd->add_option("--first", c.first, "number of the first endpoint name")->capture_default_str();
  cmd->add_option("--firmware-version", c.firmware_version, "the version devices start with")
      ->capture_default_str();
  cmd->add_option("--fail-update-share", c.fail_update_share,
                  "share whose firmware updates fail (Update Result 8)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--low-battery-share", c.low_battery_share, "share running low on battery")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--offline-share", c.offline_share, "share that goes offline once")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--offline", c.offline_s, "how long an outage lasts, s")->capture_default_str();
  cmd->add_option("--reboot-ms", c.reboot_ms, "how long a reboot takes")->capture_default_str();
  cmd->add_option("--loss", c.loss, "chance of losing each datagram, either way")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--delay-ms", args->run.delay_ms, "delay added to each datagram, either way");
  cmd->add_option("--duration", args->run.duration_s, "seconds to run (0: until SIGINT/SIGTERM)");
  cmd->add_option("--report-every", args->run.report_every_s, "seconds between live lines")
      ->capture_default_str();
  cmd->add_option("--dtls-share", c.dtls_share, "share over DTLS 1.2 PSK (coaps)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--secure-server", args->secure_server,
                  "the coaps listener, coaps://a.b.c.d:port")
      ->capture_default_str();
  cmd->add_option("--psk-key", args->psk_key,
                  "the DTLS devices' pre-shared key, hex (identity: the endpoint name)")
      ->capture_default_str();
  cmd->add_option("--json", args->json_file, "write the final report as JSON to FILE");
  cmd->add_option("--seed", c.seed, "random seed")->capture_default_str();
  cmd->callback([args] {
    const int code = Run(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace custos::sim
