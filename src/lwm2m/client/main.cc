// custos-lwm2m-client: one LwM2M client against a server, for manual testing. It registers,
// logs every request it is asked, keeps its registration up, and de-registers on Ctrl-C.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <thread>

#include "lwm2m/client/client.h"

namespace {

std::atomic<bool> interrupted{false};

std::optional<std::vector<std::uint8_t>> FromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    try {
      std::size_t used = 0;
      bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), &used, 16)));
      if (used != 2) return std::nullopt;
    } catch (...) {
      return std::nullopt;
    }
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  using custos::lwm2m::client::Client;
  using custos::lwm2m::client::ClientOptions;
  namespace format = custos::lwm2m::format;

  CLI::App app{"custos-lwm2m-client: one LwM2M client for manual testing"};
  std::string server = "coap://127.0.0.1:5683";
  std::string version = "1.1";
  std::string psk_key;
  ClientOptions options;
  options.endpoint_name = "dev1";
  app.add_option("--server", server, "coap://host:port or coaps://host:port");
  app.add_option("--endpoint", options.endpoint_name, "LwM2M endpoint name");
  app.add_option("--version", version, "LwM2M version: 1.0, 1.1 or 1.2");
  app.add_option("--lifetime", options.lifetime_s, "registration lifetime in seconds");
  app.add_option("--listen", options.listen, "local CoAP address, host:port");
  app.add_option("--psk-identity", options.psk_identity, "DTLS PSK identity");
  app.add_option("--psk-key", psk_key, "DTLS PSK key, hex");
  app.add_flag("--queue-mode", options.queue_mode, "queue mode: sleep between wake-ups");
  app.add_option("--firmware-version", options.device.firmware_version, "/3/0/3 at start");
  app.add_flag("--fail-firmware-update", options.fail_firmware_update,
               "make every firmware update fail");
  app.add_option("--firmware-failure-result", options.firmware_failure_result,
                 "the Update Result such a failure reports, 2 to 9 (default 8)");
  app.add_option("--firmware-dir", options.firmware_dir, "where firmware packages go");
  CLI11_PARSE(app, argc, argv);

  auto parsed_version = format::ParseLwm2mVersion(version);
  if (!parsed_version) {
    spdlog::error("--version: {}", parsed_version.error().message);
    return 2;
  }
  options.version = *parsed_version;
  if (!psk_key.empty()) {
    auto key = FromHex(psk_key);
    if (!key) {
      spdlog::error("--psk-key must be hex");
      return 2;
    }
    options.psk_key = *key;
  }
  auto client = Client::Start(options, server);
  if (!client) {
    spdlog::error("{}", client.error().message);
    return 1;
  }
  (*client)->SetActivityLog([](const std::string& line) { spdlog::info("{}", line); });
  spdlog::info("{} on port {} registering with {}", options.endpoint_name, (*client)->port(),
               server);
  if (auto registered = (*client)->Register(); !registered) {
    spdlog::error("register: {}", registered.error().message);
    return 1;
  }
  spdlog::info("registered at {}", (*client)->location());
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  while (!interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (auto gone = (*client)->Deregister(std::chrono::seconds(5)); !gone) {
    spdlog::warn("de-register: {}", gone.error().message);
  }
  return 0;
}
