#include "cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>

#include "cli/http_client.h"
#include "cli/run.h"

namespace custos::cli {
namespace {

void AddGlobalOptions(CLI::App& app, GlobalFlags& flags) {
  app.add_option("--server", flags.server,
                 "Server URL, http://HOST:PORT[/PREFIX] (env CUSTOS_SERVER, config 'server'; "
                 "default http://127.0.0.1:8080)");
  app.add_option("--token", flags.token, "Operator token (env CUSTOS_TOKEN, config 'token')");
  app.add_option("--config", flags.config,
                 "TOML config file (default "
                 "$XDG_CONFIG_HOME/custos/cli.toml or ~/.config/custos/cli.toml)");
  app.add_option("-o,--output", flags.output,
                 "Output: table or json (env CUSTOS_OUTPUT, config 'output'; default table)")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--timeout", flags.timeout_s,
                 "Seconds to wait for each request (env CUSTOS_TIMEOUT, config 'timeout'; "
                 "default 30)");
}

void AddDeviceNoun(CLI::App& app, Action& chosen) {
  auto* devices = app.add_subcommand("devices", "Devices: list, inspect, change, import");
  devices->require_subcommand(1);
  AddDeviceReadCommands(*devices, chosen);
  AddDeviceWriteCommands(*devices, chosen);
  AddDeviceImportCommand(*devices, chosen);
  AddDeviceCredentialCommands(*devices, chosen);
  AddDeviceStateCommands(*devices, chosen);
}

std::size_t TerminalWidth(bool out_terminal, bool err_terminal) {
  winsize size{};
  if (out_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (err_terminal && ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (!out_terminal && !err_terminal) return 0;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return 80;
}

int RunOnStreams(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Io io{out, err, std::cin};
  io.out_terminal = &out == &std::cout && isatty(STDOUT_FILENO) == 1;
  io.err_terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  // Questions are asked only of someone who can see them.
  io.in_terminal = isatty(STDIN_FILENO) == 1 && (io.out_terminal || io.err_terminal);
  io.width = TerminalWidth(io.out_terminal, io.err_terminal);
  return RunWith(argc, argv, io, ProcessEnv(), HttpClientFactory());
}

}  // namespace

TransportFactory HttpClientFactory() {
  return [](const Endpoint& endpoint, const Settings& settings) {
    HttpTimeouts timeouts;
    timeouts.request = settings.timeout;
    timeouts.stream_idle = std::max(settings.timeout, timeouts.stream_idle);
    return MakeHttpClient(endpoint, timeouts);
  };
}

int RunWith(int argc, const char* const* argv, Io& io, const EnvLookup& env,
            const TransportFactory& make_transport) {
  CLI::App app{
      "custos: manage a fleet of IoT devices through the Custos REST API.\n"
      "(The server itself runs with `custos serve`; see `custos serve --help`.)",
      "custos"};
  app.require_subcommand(1);
  // Global options may also come after the noun and verb; set before the subcommands are
  // added, because they inherit it.
  app.fallthrough();
  GlobalFlags flags;
  AddGlobalOptions(app, flags);
  Action chosen;
  AddDeviceNoun(app, chosen);
  AddGroupCommands(app, chosen);
  AddTokenCommands(app, chosen);
  AddAuditCommand(app, chosen);
  AddEventsCommand(app, chosen);
  AddLwm2mCommands(app, chosen);
  AddOperationCommands(app, chosen);
  AddFirmwareCommands(app, chosen);
  AddCampaignCommands(app, chosen);
  AddWindowCommands(app, chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, io.out, io.err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!chosen) {
    io.err << app.help();
    return kExitUsage;
  }

  auto settings = ResolveSettings(flags, env);
  if (!settings) return Report(settings.error(), io.err);
  auto endpoint = ParseServerUrl(settings->server);
  if (!endpoint) return Report(endpoint.error(), io.err);

  try {
    std::unique_ptr<HttpTransport> transport = make_transport(*endpoint, *settings);
    ApiClient api(*transport, endpoint->base_path, settings->token);
    Context context{io, *settings, api};
    auto done = chosen(context);
    io.out.flush();
    if (!done) return Report(done.error(), io.err);
    return kExitOk;
  } catch (const std::exception& e) {
    // Nothing is meant to throw past here; if something does, end with a message, not abort.
    io.out.flush();
    io.err << "error: internal: " << e.what() << '\n';
    return kExitServerError;
  }
}

int Run(int argc, char** argv) { return RunOnStreams(argc, argv, std::cout, std::cerr); }

int Run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  return RunOnStreams(argc, argv, out, err);
}

}  // namespace custos::cli
