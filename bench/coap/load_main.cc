// custos_coap_load: the CoAP load generator (load_generator.h). Prints one JSON line:
//   {"server": "...", "endpoints": 10000, ..., "requests_per_s": ..., "p50_us": ..., ...}
// Exit status: 0 after a measured window, 3 when the warm-up did not finish in time, 2 on
// bad arguments or when the sockets cannot be made.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "coap_bench.h"

int main(int argc, char** argv) {
  namespace bench = custos::coap_bench;
  bench::LoadOptions options;
  std::string label = "server";
  double duration_s = 10;
  double warm_up_timeout_s = 60;
  double drain_s = 3;
  pid_t server_pid = 0;

  CLI::App app{"CoAP closed-loop load from many simulated endpoints"};
  app.add_option("--server", options.server, "HOST:PORT of the CoAP server")->required();
  app.add_option("--endpoints,-n", options.endpoints, "simulated endpoints")
      ->check(CLI::Range(1UL, 1UL << 31));
  app.add_option("--sockets", options.sockets, "UDP sockets (source ports)")
      ->check(CLI::Range(1, 64));
  app.add_option("--window", options.window, "requests in flight at most")
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--duration", duration_s, "measured window, seconds");
  app.add_option("--warm-up-timeout", warm_up_timeout_s, "seconds allowed for the warm-up");
  app.add_option("--drain", drain_s, "seconds to wait for answers after the window");
  app.add_option("--server-pid", server_pid, "read this process's VmRSS around the warm-up");
  app.add_option("--label", label, "the server's name in the JSON line");
  bool register_storm = false;
  app.add_flag("--register", register_storm,
               "the registration storm: one LwM2M Register per endpoint (POST /rd?ep=...)");
  CLI11_PARSE(app, argc, argv);

  auto to_ms = [](double s) { return std::chrono::milliseconds(static_cast<long>(s * 1000)); };
  options.duration = to_ms(duration_s);
  options.warm_up_timeout = to_ms(warm_up_timeout_s);
  options.drain = to_ms(drain_s);
  if (server_pid > 0) options.server_pid = server_pid;
  if (register_storm) options.scenario = bench::Scenario::kRegister;

  const auto report = bench::RunLoad(options);
  if (!report) {
    std::fprintf(stderr, "custos_coap_load: %s\n", report.error().message.c_str());
    return 2;
  }
  std::printf("%s\n", bench::ToJson(*report, label).c_str());
  return report->warm_up_complete ? 0 : 3;
}
