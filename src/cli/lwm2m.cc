// lwm2m: device management of a registered LwM2M device (docs/cli.md, "lwm2m"): read,
// discover, write, write-attributes, execute, create, delete, observe, observations,
// cancel-observation, each one request of docs/api.md ("LwM2M device management").
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <memory>

#include "cli/command.h"
#include "cli/resolve.h"
#include "cli/sse.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

struct Lwm2mOptions {
  std::string device;
  std::string path;
  std::string format;
  std::string value;
  std::string json_body;
  std::vector<std::string> attributes;
  std::string arguments;
  std::string observation;
  int limit = 0;
};

// "/3/0/1" as the REST path suffix "/3/0/1"; a usage error for anything not like a path.
Outcome<std::string> PathSuffix(const std::string& path) {
  if (path.empty() || path.front() != '/' || path == "/") {
    return UsageError(fmt::format("'{}' is not an LwM2M path such as /3/0/1", path));
  }
  std::string out = path;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Outcome<std::string> DevicePath(Context& c, const Lwm2mOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  return IdPath("devices", *id);
}

Outcome<std::string> Target(Context& c, const Lwm2mOptions& o) {
  auto device = DevicePath(c, o);
  if (!device) return device;
  auto suffix = PathSuffix(o.path);
  if (!suffix) return suffix;
  return *device + "/lwm2m" + *suffix;
}

// A value as typed: JSON when it reads as JSON (300, true, "text", {...}), else the text.
json::value TypedValue(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::value(json::string(text));
  return v;
}

Outcome<json::value> JsonArgument(const std::string& text, const char* what) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return UsageError(fmt::format("{} is not JSON: {}", what, ec.message()));
  return v;
}

Outcome<void> Print(Context& c, Outcome<json::value> answer) {
  if (!answer) return tl::unexpected(answer.error());
  PrintObject(c, *answer);
  return {};
}

Outcome<void> Read(Context& c, const Lwm2mOptions& o, bool discover) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  Query query;
  if (discover) query.emplace_back("discover", "1");
  if (!o.format.empty()) query.emplace_back("format", o.format);
  return Print(c, c.api.Get(*target, query));
}

Outcome<void> Write(Context& c, const Lwm2mOptions& o, bool partial) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  json::value body;
  if (!o.json_body.empty()) {
    auto parsed = JsonArgument(o.json_body, "--json");
    if (!parsed) return tl::unexpected(parsed.error());
    body = std::move(*parsed);
  } else if (!o.value.empty()) {
    body = TypedValue(o.value);
  } else {
    return UsageError("give a VALUE or --json");
  }
  return Print(c, partial ? c.api.Patch(*target, body) : c.api.Put(*target, body));
}

Outcome<void> WriteAttributes(Context& c, const Lwm2mOptions& o) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  json::object body;
  for (const std::string& a : o.attributes) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(fmt::format("'{}' is not NAME=VALUE (or NAME= to remove it)", a));
    }
    std::string value = a.substr(eq + 1);
    body[a.substr(0, eq)] = value.empty() ? json::value(nullptr) : TypedValue(value);
  }
  if (body.empty()) return UsageError("give attributes such as pmin=10 pmax=60");
  return Print(c, c.api.Put(*target + "/attributes", body));
}

Outcome<void> Execute(Context& c, const Lwm2mOptions& o) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  json::object body;
  if (!o.arguments.empty()) body["arguments"] = o.arguments;
  return Print(c, c.api.Post(*target, body));
}

Outcome<void> Create(Context& c, const Lwm2mOptions& o) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  auto body = JsonArgument(o.json_body, "--json");
  if (!body) return tl::unexpected(body.error());
  return Print(c, c.api.Post(*target, *body));
}

Outcome<void> Delete(Context& c, const Lwm2mOptions& o) {
  auto target = Target(c, o);
  if (!target) return tl::unexpected(target.error());
  return Print(c, c.api.Delete(*target));
}

// Starts the observation, prints it, then prints each notification from the event stream
// until interrupted (or --limit notifications).
Outcome<void> Observe(Context& c, const Lwm2mOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  auto suffix = PathSuffix(o.path);
  if (!suffix) return tl::unexpected(suffix.error());
  auto started = c.api.Post(IdPath("devices", *id) + "/lwm2m/observations",
                            json::object{{"paths", json::array{json::value(*suffix)}}});
  if (!started) return tl::unexpected(started.error());
  PrintObject(c, *started);
  const std::string observation(started->at("id").as_string());
  SseParser parser;
  int printed = 0;
  Query query{{"device", std::to_string(*id)}, {"type", "lwm2m.notification"}};
  return c.api.Stream("/events", query, {}, [&](std::string_view piece) {
    bool more = true;
    parser.Feed(piece, [&](const SseEvent& event) {
      if (!more) return;
      json::error_code ec;
      json::value e = json::parse(event.data, ec);
      if (ec || !e.is_object()) return;
      const json::value* data = e.as_object().if_contains("data");
      if (data == nullptr || !data->is_object()) return;
      const json::value* which = data->as_object().if_contains("observation");
      if (which == nullptr || !which->is_string() || which->as_string() != observation) return;
      const json::value* value = data->as_object().if_contains("value");
      c.io.out << (value ? json::serialize(*value) : std::string("null")) << '\n';
      c.io.out.flush();
      more = o.limit == 0 || ++printed < o.limit;
    });
    return more;
  });
}

Outcome<void> Observations(Context& c, const Lwm2mOptions& o) {
  auto device = DevicePath(c, o);
  if (!device) return tl::unexpected(device.error());
  return Print(c, c.api.Get(*device + "/lwm2m/observations"));
}

Outcome<void> CancelObservation(Context& c, const Lwm2mOptions& o) {
  auto device = DevicePath(c, o);
  if (!device) return tl::unexpected(device.error());
  return Print(c, c.api.Delete(*device + "/lwm2m/observations/" + o.observation));
}

using Verb = Outcome<void> (*)(Context&, const Lwm2mOptions&);

CLI::App* AddVerb(CLI::App& noun, Action& chosen, const char* name, const char* help,
                  std::shared_ptr<Lwm2mOptions> o,
                  std::function<Outcome<void>(Context&, const Lwm2mOptions&)> run) {
  auto* verb = noun.add_subcommand(name, help);
  verb->add_option("device", o->device, "Device ID or name")->required();
  verb->callback([&chosen, o, run] { chosen = [o, run](Context& c) { return run(c, *o); }; });
  return verb;
}

}  // namespace

void AddLwm2mCommands(CLI::App& app, Action& chosen) {
  auto* lwm2m = app.add_subcommand("lwm2m", "LwM2M device management of a registered device");
  lwm2m->require_subcommand(1);
  auto o = std::make_shared<Lwm2mOptions>();
  auto path = [&o](CLI::App* verb) {
    verb->add_option("path", o->path, "LwM2M path, e.g. /3/0/9")->required();
    return verb;
  };

  auto* read = path(AddVerb(*lwm2m, chosen, "read", "Read a path (typed JSON)", o,
                            [](Context& c, const Lwm2mOptions& x) { return Read(c, x, false); }));
  read->add_option("--format", o->format,
                   "Ask for tlv, senml-json, senml-cbor, lwm2m-json, lwm2m-cbor, text or opaque");
  path(AddVerb(*lwm2m, chosen, "discover", "Discover a path's links and attributes", o,
               [](Context& c, const Lwm2mOptions& x) { return Read(c, x, true); }));
  for (bool partial : {false, true}) {
    auto* write = path(AddVerb(
        *lwm2m, chosen, partial ? "update" : "write",
        partial ? "Write (partial update) an instance or resource" : "Write (replace) a path", o,
        [partial](Context& c, const Lwm2mOptions& x) { return Write(c, x, partial); }));
    write->add_option("value", o->value, "The value (JSON or text), e.g. 300");
    write->add_option("--json", o->json_body, "A typed JSON node instead of a value");
  }
  auto* attributes =
      path(AddVerb(*lwm2m, chosen, "write-attributes",
                   "Write-Attributes: pmin= pmax= gt= lt= st= epmin= epmax=", o, WriteAttributes));
  attributes->add_option("attributes", o->attributes, "NAME=VALUE, or NAME= to remove one")
      ->required();
  auto* execute = path(AddVerb(*lwm2m, chosen, "execute", "Execute a resource", o, Execute));
  execute->add_option("--args", o->arguments, "Execute arguments, e.g. \"0='v',1\"");
  auto* create =
      path(AddVerb(*lwm2m, chosen, "create", "Create an instance of an object", o, Create));
  create->add_option("--json", o->json_body, "The instance, e.g. {\"id\":1,\"resources\":[...]}")
      ->required();
  path(AddVerb(*lwm2m, chosen, "delete", "Delete an instance", o, Delete));
  auto* observe = path(AddVerb(*lwm2m, chosen, "observe",
                               "Observe a path and print its notifications until ^C", o, Observe));
  observe->add_option("--limit", o->limit, "Stop after this many notifications")
      ->check(CLI::PositiveNumber);
  AddVerb(*lwm2m, chosen, "observations", "The device's observations", o, Observations);
  AddVerb(*lwm2m, chosen, "cancel-observation", "Cancel an observation", o, CancelObservation)
      ->add_option("observation", o->observation, "Observation id, e.g. o1")
      ->required();
}

}  // namespace custos::cli
