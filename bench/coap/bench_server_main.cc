// custos_coap_bench_server: our CoAP transport (coap::Endpoint) answering every GET with
// the banner of bench_resource.h. Prints "custos_coap_bench_server: listening on HOST:PORT"
// once bound, then serves until SIGINT or SIGTERM and prints the endpoint's counters.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "coap/transport/endpoint.h"
#include "coap_bench.h"
#include "wait_for_signal.h"

int main(int argc, char** argv) {
  namespace bench = custos::coap_bench;
  namespace coap = custos::coap;
  coap::EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  CLI::App app{"CoAP server on Custos' transport for the benchmark"};
  app.add_option("--listen", options.listen, "HOST:PORT, port 0 for any free port");
  app.add_option("--threads", options.threads, "I/O threads")->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  bench::BlockStopSignals();
  auto endpoint = coap::Endpoint::Start(
      options, [](const coap::IncomingRequest& request, coap::Responder responder) {
        responder.Respond(bench::BenchResponse(request.message));
      });
  if (!endpoint) {
    std::fprintf(stderr, "custos_coap_bench_server: %s\n", endpoint.error().message.c_str());
    return 1;
  }
  std::printf("custos_coap_bench_server: listening on %s\n", (*endpoint)->local_address().c_str());
  std::fflush(stdout);
  bench::WaitForStopSignal();
  const coap::EndpointStats stats = (*endpoint)->stats();
  (*endpoint)->Stop();
  std::fprintf(stderr,
               "custos_coap_bench_server: received %llu, sent %llu, duplicates %llu, "
               "peers %llu, evicted %llu\n",
               static_cast<unsigned long long>(stats.datagrams_received),
               static_cast<unsigned long long>(stats.datagrams_sent),
               static_cast<unsigned long long>(stats.duplicates),
               static_cast<unsigned long long>(stats.peers),
               static_cast<unsigned long long>(stats.peers_evicted));
  return 0;
}
