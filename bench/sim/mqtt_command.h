// `custos-sim mqtt`: the simulator's MQTT devices (docs/simulator.md, "MQTT devices").
#pragma once

#include <CLI/CLI.hpp>

namespace custos::sim {

// Adds the `mqtt` subcommand to the simulator's command line; running it runs the fleet
// until --duration passes or SIGINT/SIGTERM, then prints the report.
void AddMqttCommand(CLI::App& app);

}  // namespace custos::sim
