// custos-sim: a fleet simulator that plays many devices against a server
// (docs/simulator.md). One subcommand per protocol.
#include <CLI/CLI.hpp>

#include "sim.h"
#include "mqtt_command.h"

int main(int argc, char** argv) {
  CLI::App app{"custos-sim: simulated device fleets against a Custos server"};
  app.require_subcommand(1);
  custos::sim::AddLwm2mCommand(app);
  custos::sim::AddMqttCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
