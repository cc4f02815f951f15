// The global options every command takes (--server, --token, --config, -o, --timeout) and
// where their values come from: flag, then environment, then config file, then default.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cli/failure.h"

namespace custos::cli {

enum class OutputFormat { kTable, kJson };

// The global options as given on the command line; unset when not given.
struct GlobalFlags {
  std::optional<std::string> server;
  std::optional<std::string> token;
  std::optional<std::string> config;
  std::optional<std::string> output;
  std::optional<double> timeout_s;
};

struct Settings {
  std::string server = "http://127.0.0.1:8080";
  std::string token;
  OutputFormat output = OutputFormat::kTable;
  std::chrono::milliseconds timeout{30000};
};

// Looks up an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// The process environment.
EnvLookup ProcessEnv();

struct ConfigFile {
  std::string path;
  bool named = false;  // named by --config: then it must exist
};

// --config, else $XDG_CONFIG_HOME/custos/cli.toml, else $HOME/.config/custos/cli.toml;
// nullopt when none of these can be formed. (No environment variable names the file:
// CUSTOS_CONFIG is the server's, and its file is not the CLI's.)
std::optional<ConfigFile> FindConfigFile(const GlobalFlags& flags, const EnvLookup& env);

// Resolves each setting: flag > env (CUSTOS_SERVER, CUSTOS_TOKEN, CUSTOS_OUTPUT,
// CUSTOS_TIMEOUT) > config file (keys server, token, output, timeout) > default. A missing
// default config file is fine; a missing named one, a file that is not TOML, an unknown key
// or a bad value is a usage error.
Outcome<Settings> ResolveSettings(const GlobalFlags& flags, const EnvLookup& env);

}  // namespace custos::cli
