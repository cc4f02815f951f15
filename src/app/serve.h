// Front door of the app module: `custos serve`, the composition root. It reads the
// configuration, opens the store, wires core, API and metrics together, serves until SIGINT
// or SIGTERM, and shuts down so that nothing acknowledged is lost. No logic of its own.
#pragma once

namespace custos::app {

// argv[0] is "serve". Returns the process exit code: 0 after a clean stop, 2 for a usage or
// configuration error, 1 when the server could not start.
int Serve(int argc, char** argv, char** envp);

}  // namespace custos::app
