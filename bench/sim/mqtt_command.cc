#include "mqtt_command.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "mqtt_fleet.h"
#include "mqtt_provision.h"
#include "source_address.h"

namespace custos::sim {
namespace {

struct MqttCommandArgs {
  std::string server = "127.0.0.1:1883";
  std::size_t devices = 0;  // 0: every device of the credentials file
  std::size_t first = 0;
  std::string credentials;
  std::string provision;  // "URL" of the REST API; the token in --token
  std::string token;
  std::string prefix = "sim-mqtt-";
  std::string version = "5";
  std::string source = "127.0.1.1";
  double ramp = 500;
  double telemetry_every = 60;
  double fail_update_share = 0;
  double low_battery_share = 0;
  double offline_share = 0;
  double offline_every = 60;
  double offline_for = 10;
  double delay_ms = 0;
  double duration = 0;
  double report_every = 5;
  std::string json_file;
};

std::atomic<MqttFleet*> running_fleet{nullptr};

void OnSignal(int) {
  if (MqttFleet* fleet = running_fleet.load()) fleet->Stop();
}

core::Result<std::vector<mqtt_bench::Device>> LoadDevices(const MqttCommandArgs& args) {
  if (!args.provision.empty()) {
    if (args.devices == 0) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "--provision needs --devices N");
    }
    return ProvisionDevices(
        ProvisionRequest{args.provision, args.token, args.prefix, args.first, args.devices});
  }
  auto all = mqtt_bench::ReadDeviceList(args.credentials);
  if (!all) return all;
  if (args.first >= all->size()) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "--first is past the " + std::to_string(all->size()) + " devices of " + args.credentials);
  }
  const std::size_t count = args.devices == 0 ? all->size() - args.first
                                              : std::min(args.devices, all->size() - args.first);
  return std::vector<mqtt_bench::Device>(all->begin() + args.first,
                                         all->begin() + args.first + count);
}

int RunMqtt(const MqttCommandArgs& args) {
  MqttFleetOptions options;
  auto server = mqtt_bench::ParseHostPort(args.server);
  auto source = mqtt_bench::ParseIpv4(args.source);
  if (!server || !source) {
    std::cerr << "custos-sim mqtt: --server wants HOST:PORT and --source an IPv4 address\n";
    return 2;
  }
  options.server = *server;
  options.source_base = *source;
  options.versions = args.version == "3.1.1"   ? MqttVersionMix::kV311
                     : args.version == "mixed" ? MqttVersionMix::kMixed
                                               : MqttVersionMix::kV5;
  options.ramp_per_s = args.ramp;
  options.telemetry_every_s = args.telemetry_every;
  options.shares = MqttShares{args.fail_update_share, args.low_battery_share, args.offline_share};
  options.offline_every_s = args.offline_every;
  options.offline_for_s = args.offline_for;
  options.http_token = args.token;
  options.delay_s = args.delay_ms / 1000;
  if (args.devices > MaxDevicesPerProcess()) {  // before provisioning devices we cannot run
    std::cerr << "custos-sim mqtt: " << args.devices << " devices is more than one process can "
              << "hold open (" << MaxDevicesPerProcess() << ", one socket each); run several "
              << "custos-sim processes with --first and --devices\n";
    return 2;
  }
  auto devices = LoadDevices(args);
  if (!devices) {
    std::cerr << "custos-sim mqtt: " << devices.error().message << "\n";
    return 1;
  }
  auto fleet = MqttFleet::Create(options, std::move(*devices));
  if (!fleet) {
    std::cerr << "custos-sim mqtt: " << fleet.error().message << "\n";
    return 2;
  }
  running_fleet.store(fleet->get());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  (*fleet)->Run(std::chrono::milliseconds(static_cast<std::int64_t>(args.duration * 1000)),
                std::chrono::milliseconds(static_cast<std::int64_t>(args.report_every * 1000)),
                [](const MqttReport& report) { std::cerr << LiveLine(report) << std::endl; });
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  running_fleet.store(nullptr);
  const MqttReport report = (*fleet)->Report();
  std::cout << ReportText(report) << std::flush;
  if (!args.json_file.empty()) {
    std::ofstream out(args.json_file);
    out << ReportJson(report) << "\n";
    if (!out) {
      std::cerr << "custos-sim mqtt: cannot write " << args.json_file << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

void AddMqttCommand(CLI::App& app) {
  auto args = std::make_shared<MqttCommandArgs>();
  CLI::App* mqtt = app.add_subcommand("mqtt", "simulate MQTT devices (3.1.1 and 5.0)");
  mqtt->add_option("--server", args->server, "the MQTT endpoint, HOST:PORT")->capture_default_str();
  mqtt->add_option("--devices", args->devices, "how many devices (default: all of --credentials)");
  mqtt->add_option("--first", args->first,
                   "skip this many devices of the list (to share a fleet among processes)");
  auto* credentials = mqtt->add_option("--credentials", args->credentials,
                                       "device list, one 'NAME SECRET' a line (bench/mqtt.sh's)");
  auto* provision = mqtt->add_option(
      "--provision", args->provision,
      "create the devices and their credentials through this REST API first (http://HOST:PORT)");
  credentials->excludes(provision);
  mqtt->add_option("--token", args->token,
                   "operator token: for --provision, and sent with firmware downloads");
  mqtt->add_option("--prefix", args->prefix, "device names for --provision")->capture_default_str();
  mqtt->add_option("--version", args->version, "3.1.1, 5 or mixed")
      ->check(CLI::IsMember({"3.1.1", "5", "mixed"}))
      ->capture_default_str();
  mqtt->add_option("--source", args->source, "first source address (127.x.y.z)")
      ->capture_default_str();
  mqtt->add_option("--ramp", args->ramp, "first connects per second")->capture_default_str();
  mqtt->add_option("--telemetry-every", args->telemetry_every,
                   "seconds between a device's telemetry messages (0: none)")
      ->capture_default_str();
  mqtt->add_option("--fail-update-share", args->fail_update_share,
                   "share of devices whose firmware updates fail")
      ->check(CLI::Range(0.0, 1.0));
  mqtt->add_option("--low-battery-share", args->low_battery_share,
                   "share of devices reporting a 10% battery")
      ->check(CLI::Range(0.0, 1.0));
  mqtt->add_option("--offline-share", args->offline_share,
                   "share of devices that drop their connection now and then")
      ->check(CLI::Range(0.0, 1.0));
  mqtt->add_option("--offline-every", args->offline_every, "about how often they drop (s)")
      ->capture_default_str();
  mqtt->add_option("--offline-for", args->offline_for, "how long they stay away (s)")
      ->capture_default_str();
  mqtt->add_option("--delay-ms", args->delay_ms,
                   "network delay: what a device sends waits this long before it goes out")
      ->check(CLI::NonNegativeNumber);
  mqtt->add_option("--duration", args->duration, "seconds to run (0: until SIGINT or SIGTERM)");
  mqtt->add_option("--report-every", args->report_every, "seconds between live lines (0: none)")
      ->capture_default_str();
  mqtt->add_option("--json", args->json_file, "write the final report here as JSON");
  mqtt->callback([args] {
    if (args->credentials.empty() && args->provision.empty()) {
      throw CLI::ValidationError("mqtt", "give --credentials FILE or --provision URL --token T");
    }
    const int code = RunMqtt(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace custos::sim
