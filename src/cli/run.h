// The run of one command line with every outside dependency handed in: streams, the
// environment and the HTTP transport. cli::Run wires the real ones; tests pass fakes.
#pragma once

#include <functional>
#include <memory>

#include "cli/command.h"
#include "cli/endpoint.h"
#include "cli/http.h"
#include "cli/settings.h"

namespace custos::cli {

// Makes the transport for the resolved server and settings (time-outs).
using TransportFactory =
    std::function<std::unique_ptr<HttpTransport>(const Endpoint&, const Settings&)>;

// The Beast client with the settings' time-out.
TransportFactory HttpClientFactory();

// Parses argv, resolves the global options, runs the chosen verb; returns the exit code
// documented on cli::Run.
int RunWith(int argc, const char* const* argv, Io& io, const EnvLookup& env,
            const TransportFactory& make_transport);

}  // namespace custos::cli
