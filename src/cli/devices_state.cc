// devices state, devices desire: a device's desired and reported state.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/arguments.h"
#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

Outcome<void> ShowState(Context& c, const std::string& arg) {
  auto id = ResolveDevice(c.api, arg);
  if (!id) return tl::unexpected(id.error());
  auto state = c.api.Get(IdPath("devices", *id) + "/state");
  if (!state) return tl::unexpected(state.error());
  PrintObject(c, *state);
  return {};
}

struct DesireOptions {
  std::string device;
  std::vector<std::string> settings;
  std::string file;
};

// A value as typed: JSON when it reads as JSON (30, true, null, "text", {"a":1}), otherwise
// the text itself, so that `mode=eco` needs no quotes.
json::value TypedValue(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::value(json::string(text));
  return v;
}

}  // namespace

// "a.b=v" sets member b of object a: the dotted path becomes nested objects.
Outcome<json::object> ParseDesiredSettings(const std::vector<std::string>& settings) {
  json::object patch;
  for (const std::string& setting : settings) {
    auto eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(fmt::format("'{}' is not KEY=VALUE", setting));
    }
    std::string_view path(setting.data(), eq);
    json::object* at = &patch;
    for (;;) {
      auto dot = path.find('.');
      std::string_view key = path.substr(0, dot);
      if (key.empty()) return UsageError(fmt::format("'{}' has an empty key", setting));
      if (dot == std::string_view::npos) {
        (*at)[key] = TypedValue(std::string_view(setting).substr(eq + 1));
        break;
      }
      json::value& next = (*at)[key];
      if (!next.is_object()) next = json::object();
      at = &next.get_object();
      path.remove_prefix(dot + 1);
    }
  }
  return patch;
}

namespace {

Outcome<void> Desire(Context& c, const DesireOptions& o) {
  json::object patch;
  if (!o.file.empty()) {
    std::stringstream text;
    if (o.file == "-") {
      text << c.io.in.rdbuf();
    } else {
      std::ifstream in(o.file);
      if (!in) return UsageError(fmt::format("cannot read {}", o.file));
      text << in.rdbuf();
    }
    auto from_file = ParseJsonObject(text.str(), "--file");
    if (!from_file) return tl::unexpected(from_file.error());
    patch = std::move(*from_file);
  }
  auto settings = ParseDesiredSettings(o.settings);
  if (!settings) return tl::unexpected(settings.error());
  for (auto& [key, value] : *settings) patch[key] = std::move(value);
  if (patch.empty()) return UsageError("nothing to change: give KEY=VALUE or --file");
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  auto state = c.api.Patch(IdPath("devices", *id) + "/state/desired", patch);
  if (!state) return tl::unexpected(state.error());
  PrintObject(c, *state);
  return {};
}

}  // namespace

void AddDeviceStateCommands(CLI::App& devices, Action& chosen) {
  {
    auto* state = devices.add_subcommand(
        "state", "Show a device's desired and reported state and what is left to do (delta)");
    auto device = std::make_shared<std::string>();
    state->add_option("device", *device, "ID or name")->required();
    state->callback(
        [&chosen, device] { chosen = [device](Context& c) { return ShowState(c, *device); }; });
  }
  {
    auto* desire = devices.add_subcommand(
        "desire", "Change a device's desired state: KEY=VALUE (a.b=v nests, KEY=null removes)");
    auto o = std::make_shared<DesireOptions>();
    desire->add_option("device", o->device, "ID or name")->required();
    desire->add_option("settings", o->settings, "KEY=VALUE; the value is JSON or plain text");
    desire->add_option("--file,-f", o->file,
                       "A JSON merge patch (RFC 7386) from a file, - for stdin; KEY=VALUE "
                       "settings apply on top");
    desire->callback([&chosen, o] { chosen = [o](Context& c) { return Desire(c, *o); }; });
  }
}

}  // namespace custos::cli
