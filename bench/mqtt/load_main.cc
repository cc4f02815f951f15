// custos_mqtt_load: the MQTT load generator (load_generator.h) against any broker. Runs the
// connect storm, reads the broker's RSS with every device idle, then the QoS 1 publishing and
// the request round trips on the same connections (after an optional warm-up of connects and
// disconnects), and prints one JSON line (load_report.h).
// Exit status: 0 when every scenario completed, 1 when one failed (the line's "error" says
// which and why), 2 on bad arguments or an unreadable device list.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "mqtt_bench.h"

int main(int argc, char** argv) {
  namespace bench = custos::mqtt_bench;
  std::string server = "127.0.0.1:1883";
  std::string devices_file;
  std::string label = "broker";
  std::size_t connections = 10'000;
  std::size_t publishers = 1'000;
  int messages = 100;
  int inflight = 10;
  std::size_t payload_size = 64;
  std::size_t rtt_clients = 100;
  int rtt_requests = 50;
  std::string responder;
  pid_t broker_pid = 0;
  int settle_ms = 2000;
  std::size_t warm_up = 0;
  int version = 5;
  std::string source_base = "127.10.0.1";
  bench::LoadOptions options;
  double phase_timeout_s = 120;

  CLI::App app{"MQTT load from many simulated devices, the same against any broker"};
  app.add_option("--server", server, "HOST:PORT of the broker");
  app.add_option("--devices", devices_file, "file of 'NAME SECRET' lines")->required();
  app.add_option("--label", label, "the broker's name in the JSON line");
  app.add_option("--connections,-n", connections, "devices in the connect storm (kept idle)");
  app.add_option("--connect-window", options.connect_window,
                 "connects in progress at most during the storm")
      ->check(CLI::Range(1UL, 1UL << 20));
  app.add_option("--publishers", publishers, "devices publishing QoS 1 reported state");
  app.add_option("--messages", messages, "messages per publisher")->check(CLI::Range(1, 1 << 24));
  app.add_option("--inflight", inflight, "unacknowledged messages per publisher at most")
      ->check(CLI::Range(1, 65535));
  app.add_option("--payload", payload_size, "bytes per reported-state message (>= 51)");
  app.add_option("--rtt-clients", rtt_clients, "devices sending requests");
  app.add_option("--rtt-requests", rtt_requests, "requests per device, one at a time")
      ->check(CLI::Range(0, 1 << 24));
  app.add_option("--responder", responder,
                 "NAME:SECRET of a client that answers requests (for brokers that do not)");
  app.add_option("--broker-pid", broker_pid, "read this process's VmRSS before and after");
  app.add_option("--settle-ms", settle_ms, "idle time after the storm before reading RSS");
  app.add_option("--warm-up", warm_up,
                 "devices connected and disconnected before the first RSS reading");
  app.add_option("--mqtt-version", version, "4 (3.1.1) or 5")->check(CLI::IsMember({4, 5}));
  app.add_option("--source-base", source_base, "first source address (127.0.0.0/8)");
  app.add_option("--per-address", options.per_address, "devices per source address")
      ->check(CLI::Range(1U, 60000U));
  app.add_option("--phase-timeout", phase_timeout_s, "seconds allowed for each scenario");
  CLI11_PARSE(app, argc, argv);

  auto address = bench::ParseHostPort(server);
  auto base = bench::ParseIpv4(source_base);
  if (!address || !base) {
    std::fprintf(stderr, "custos_mqtt_load: bad --server or --source-base\n");
    return 2;
  }
  auto devices = bench::ReadDeviceList(devices_file);
  if (!devices) {
    std::fprintf(stderr, "custos_mqtt_load: %s\n", devices.error().message.c_str());
    return 2;
  }
  std::optional<bench::Device> responder_device;
  if (!responder.empty()) {
    const auto colon = responder.find(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "custos_mqtt_load: --responder is NAME:SECRET\n");
      return 2;
    }
    responder_device = bench::Device{responder.substr(0, colon), responder.substr(colon + 1)};
  }
  options.server = *address;
  options.source_base = *base;
  options.version = version == 4 ? custos::mqtt::Version::kV311 : custos::mqtt::Version::kV5;
  options.phase_timeout = std::chrono::milliseconds(static_cast<long>(phase_timeout_s * 1000));
  auto generator = bench::LoadGenerator::Create(options, std::move(*devices));
  if (!generator) {
    std::fprintf(stderr, "custos_mqtt_load: %s\n", generator.error().message.c_str());
    return 2;
  }
  bench::LoadGenerator& load = **generator;

  bench::LoadReport report;
  report.broker = label;
  auto rss = [&]() -> std::optional<std::uint64_t> {
    return broker_pid > 0 ? bench::ReadVmRssKib(broker_pid) : std::nullopt;
  };
  auto fail = [&](const std::string& error) {
    if (report.error.empty()) report.error = error;
  };
  if (warm_up > 0) {
    // The broker's first connections pay for thread stacks, allocator arenas and tables that
    // later ones reuse: the same warm-up for every broker, as in the endpoint's memory test.
    const auto warm = load.ConnectStorm(warm_up);
    load.DisconnectAll();
    if (!warm.error.empty()) fail("warm-up: " + warm.error);
    load.Idle(std::chrono::milliseconds(settle_ms));
  }
  report.rss_before_kib = rss();
  if (report.error.empty()) {
    report.connect = load.ConnectStorm(connections);
    fail(report.connect.error);
  }
  if (report.error.empty()) {
    load.Idle(std::chrono::milliseconds(settle_ms));
    report.rss_idle_kib = rss();
  }
  if (report.error.empty() && responder_device) {
    if (auto ok = load.StartResponder(*responder_device); !ok) fail(ok.error().message);
  }
  if (report.error.empty() && publishers > 0) {
    report.publish = load.PublishQos1(publishers, messages, inflight, payload_size);
    fail(report.publish.error);
  }
  if (report.error.empty() && rtt_clients > 0 && rtt_requests > 0) {
    report.round_trip = load.RoundTrip(rtt_clients, rtt_requests);
    fail(report.round_trip.error);
  }
  load.DisconnectAll();
  std::printf("%s\n", bench::ToJson(report).c_str());
  return report.error.empty() ? 0 : 1;
}
