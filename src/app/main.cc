// The custos binary: `custos serve` runs the server; every other command is the CLI.
#include <cstring>
#include <iostream>

#include "app/serve.h"
#include "cli/cli.h"

extern char** environ;

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "serve") == 0) {
    return custos::app::Serve(argc - 1, argv + 1, environ);
  }
  if (argc >= 2 && (std::strcmp(argv[1], "version") == 0 ||
                    std::strcmp(argv[1], "--version") == 0)) {
    std::cout << "custos " << CUSTOS_VERSION << "\n";
    return 0;
  }
  return custos::cli::Run(argc, argv);
}
