#include "cli/settings.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace custos::cli {
namespace {

struct Layer {
  std::optional<std::string> server;
  std::optional<std::string> token;
  std::optional<std::string> output;
  std::optional<std::string> timeout;  // seconds, as text until validated
};

Outcome<Layer> ReadConfigFile(const ConfigFile& file) {
  Layer layer;
  std::error_code ec;
  if (!std::filesystem::exists(file.path, ec)) {
    if (file.named) return UsageError(fmt::format("config file {} does not exist", file.path));
    return layer;
  }
  toml::table table;
  try {
    table = toml::parse_file(file.path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return UsageError(fmt::format("config file {}:{}:{}: {}", file.path, where.line, where.column,
                                  e.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string_view name = key.str();
    if (name == "server" || name == "token" || name == "output") {
      const auto* value = node.as_string();
      if (value == nullptr) {
        return UsageError(fmt::format("config file {}: '{}' must be a string", file.path, name));
      }
      std::string text = value->get();
      if (name == "server") layer.server = text;
      if (name == "token") layer.token = text;
      if (name == "output") layer.output = text;
    } else if (name == "timeout") {
      if (const auto* i = node.as_integer()) {
        layer.timeout = std::to_string(i->get());
      } else if (const auto* f = node.as_floating_point()) {
        layer.timeout = fmt::format("{}", f->get());
      } else {
        return UsageError(
            fmt::format("config file {}: 'timeout' must be a number of seconds", file.path));
      }
    } else {
      return UsageError(
          fmt::format("config file {}: unknown key '{}' (known: server, token, "
                      "output, timeout)",
                      file.path, name));
    }
  }
  return layer;
}

template <class T>
const std::optional<T>& First(const std::optional<T>& a, const std::optional<T>& b,
                              const std::optional<T>& c) {
  return a ? a : (b ? b : c);
}

Outcome<OutputFormat> ParseOutput(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  return UsageError(fmt::format("output format '{}': must be table or json", text));
}

Outcome<std::chrono::milliseconds> ParseTimeout(const std::string& text) {
  std::istringstream in(text);
  double seconds = 0;
  if (!(in >> seconds) || !in.eof() || !(seconds > 0) || seconds > 86400) {
    return UsageError(fmt::format("timeout '{}': must be a number of seconds in (0, 86400]", text));
  }
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000 + 0.5));
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

std::optional<ConfigFile> FindConfigFile(const GlobalFlags& flags, const EnvLookup& env) {
  if (flags.config) return ConfigFile{*flags.config, true};
  if (auto xdg = env("XDG_CONFIG_HOME")) return ConfigFile{*xdg + "/custos/cli.toml", false};
  if (auto home = env("HOME")) return ConfigFile{*home + "/.config/custos/cli.toml", false};
  return std::nullopt;
}

Outcome<Settings> ResolveSettings(const GlobalFlags& flags, const EnvLookup& env) {
  Layer from_flags{flags.server, flags.token, flags.output,
                   flags.timeout_s ? std::optional<std::string>(fmt::format("{}", *flags.timeout_s))
                                   : std::nullopt};
  Layer from_env{env("CUSTOS_SERVER"), env("CUSTOS_TOKEN"), env("CUSTOS_OUTPUT"),
                 env("CUSTOS_TIMEOUT")};
  Layer from_file;
  if (auto file = FindConfigFile(flags, env)) {
    auto read = ReadConfigFile(*file);
    if (!read) return tl::unexpected(read.error());
    from_file = std::move(*read);
  }

  Settings settings;
  if (const auto& server = First(from_flags.server, from_env.server, from_file.server)) {
    settings.server = *server;
  }
  if (const auto& token = First(from_flags.token, from_env.token, from_file.token)) {
    settings.token = *token;
  }
  if (const auto& output = First(from_flags.output, from_env.output, from_file.output)) {
    auto parsed = ParseOutput(*output);
    if (!parsed) return tl::unexpected(parsed.error());
    settings.output = *parsed;
  }
  if (const auto& timeout = First(from_flags.timeout, from_env.timeout, from_file.timeout)) {
    auto parsed = ParseTimeout(*timeout);
    if (!parsed) return tl::unexpected(parsed.error());
    settings.timeout = *parsed;
  }
  return settings;
}

}  // namespace custos::cli
