// events: follows the server-sent event stream, one line per event, until interrupted.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "cli/resolve.h"
#include "cli/sse.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

// Reconnection after the stream breaks: this many tries in a row, waiting 1, 2, 4, ... s.
constexpr int kMaxReconnects = 5;

struct EventsOptions {
  std::vector<std::string> devices;
  std::vector<std::string> types;
  std::string since;
  int limit = 0;  // 0: follow until interrupted
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

void PrintEvent(Context& c, const SseEvent& event) {
  json::error_code ec;
  json::value data = json::parse(event.data, ec);
  if (c.Json()) {
    // One event object per line; anything unparsable is passed on as the server sent it.
    c.io.out << (ec ? event.data : json::serialize(data)) << '\n';
  } else if (!ec && data.is_object()) {
    c.io.out << EventLine(data.get_object()) << '\n';
  } else {
    c.io.out << SanitizeCell(event.event + " " + event.data) << '\n';
  }
  c.io.out.flush();
}

Outcome<void> FollowEvents(Context& c, const EventsOptions& o) {
  std::vector<std::string> device_ids;
  for (const std::string& device : o.devices) {
    auto id = ResolveDevice(c.api, device);
    if (!id) return tl::unexpected(id.error());
    device_ids.push_back(std::to_string(*id));
  }
  Query query{{"device", Join(device_ids)}, {"type", Join(o.types)}, {"since", o.since}};
  if (!c.Json()) {
    c.io.out << EventHeaderLine() << '\n';
    c.io.out.flush();
  }

  std::string last_id;
  long long printed = 0;
  bool done = false;
  bool ever_connected = false;
  int failures = 0;
  for (;;) {
    SseParser parser;  // a new connection starts with a clean line buffer
    bool connected = false;
    const long long printed_before = printed;
    Headers headers;
    if (!last_id.empty()) {
      // Resume after the last event printed, whichever of the two the server reads.
      headers.emplace_back("Last-Event-ID", last_id);
      query.back().second = last_id;
    }
    auto streamed = c.api.Stream("/events", query, headers, [&](std::string_view piece) {
      connected = true;
      parser.Feed(piece, [&](const SseEvent& event) {
        if (done) return;
        if (!event.id.empty()) last_id = event.id;
        PrintEvent(c, event);
        done = o.limit > 0 && ++printed >= o.limit;
      });
      return !done;
    });
    if (done) return {};
    if (!streamed && streamed.error().exit_code != kExitUnreachable) return streamed;
    // Not there at all: say so at once rather than retrying.
    if (!connected && !ever_connected) {
      return streamed ? Unreachable("the event stream ended before it began") : streamed;
    }
    ever_connected = ever_connected || connected;
    // A connection that delivered events was healthy: resume at once. Otherwise back off,
    // and give up after a few tries in a row.
    if (printed > printed_before) {
      failures = 0;
      c.io.err << "event stream ended; resuming\n";
      continue;
    }
    if (++failures > kMaxReconnects) {
      return streamed ? Unreachable("the event stream keeps ending; giving up") : streamed;
    }
    const auto wait = std::chrono::seconds(1 << (failures - 1));
    c.io.err << fmt::format("event stream {}; reconnecting in {} s\n",
                            streamed ? "ended" : "broke (" + streamed.error().message + ")",
                            wait.count());
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace

void AddEventsCommand(CLI::App& app, Action& chosen) {
  auto* events = app.add_subcommand("events", "Follow live events until interrupted (^C)");
  auto o = std::make_shared<EventsOptions>();
  events->add_option("--device", o->devices, "Only this device (ID or name); repeatable");
  events->add_option("--type", o->types,
                     "Only this type, e.g. device.online or device.*; repeatable");
  events->add_option("--since", o->since, "First replay the kept events after this sequence");
  events->add_option("--limit", o->limit, "Stop after this many events")
      ->check(CLI::PositiveNumber);
  events->callback([&chosen, o] { chosen = [o](Context& c) { return FollowEvents(c, *o); }; });
}

}  // namespace custos::cli
