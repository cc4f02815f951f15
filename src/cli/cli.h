// Front door of the command-line client: `custos <noun> <verb> ...` over the REST API
// (docs/api.md, docs/cli.md). Other modules include only this header; everything else under
// src/cli/ is private to the module.
#pragma once

#include <ostream>

namespace custos::cli {

// Runs the command line (argv[0] is the program, argv[1] the noun); returns the exit code:
// 0 ok, 1 the server answered an error (printed as "error: <code>: <message>" on stderr),
// 2 usage error, 3 cannot reach the server.
int Run(int argc, char** argv);

// The same, writing to `out` and `err`. A stream counts as a terminal (for eliding table
// cells, the progress bar and confirmation questions) only when it is std::cout or std::cerr
// and that descriptor is a terminal.
int Run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace custos::cli
