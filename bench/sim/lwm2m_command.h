// `custos-sim lwm2m ...`: the LwM2M fleet's subcommand and its options (docs/simulator.md).
#pragma once

#include <CLI/CLI.hpp>

namespace custos::sim {

// Adds the "lwm2m" subcommand to `app`; running it runs the fleet and prints its report.
void AddLwm2mCommand(CLI::App& app);

}  // namespace custos::sim
