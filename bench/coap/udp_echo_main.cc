// custos_udp_echo: the UDP echo ceiling of the CoAP benchmark (udp_echo.h). Prints
// "custos_udp_echo: listening on HOST:PORT" once bound, then echoes until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "coap_bench.h"
#include "wait_for_signal.h"

int main(int argc, char** argv) {
  namespace bench = custos::coap_bench;
  bench::EchoOptions options;
  CLI::App app{"UDP echo: every datagram back to its source, unchanged"};
  app.add_option("--listen", options.listen, "HOST:PORT, port 0 for any free port");
  app.add_option("--threads", options.threads, "threads, one SO_REUSEPORT socket each")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  bench::BlockStopSignals();
  auto echo = bench::UdpEcho::Start(options);
  if (!echo) {
    std::fprintf(stderr, "custos_udp_echo: %s\n", echo.error().message.c_str());
    return 1;
  }
  const auto host = options.listen.substr(0, options.listen.rfind(':'));
  std::printf("custos_udp_echo: listening on %s:%u\n", host.c_str(), (*echo)->port());
  std::fflush(stdout);
  bench::WaitForStopSignal();
  (*echo)->Stop();
  std::fprintf(stderr, "custos_udp_echo: echoed %llu datagrams\n",
               static_cast<unsigned long long>((*echo)->echoed()));
  return 0;
}
