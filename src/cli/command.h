// What every command runs with, and the output helpers they share. Each noun's file adds its
// verbs to the CLI11 app and, when the user picks one, stores what to run in an Action that
// Run calls once the global options have been resolved.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/api_client.h"
#include "cli/failure.h"
#include "cli/render.h"
#include "cli/settings.h"
#include "cli/table.h"

namespace CLI {
class App;
}

namespace custos::cli {

// The streams a run writes to and reads from, and which of them are terminals.
struct Io {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  bool out_terminal = false;
  bool err_terminal = false;
  bool in_terminal = false;
  std::size_t width = 0;  // terminal columns, 0 when unknown
};

struct Context {
  Io& io;
  Settings settings;
  ApiClient& api;

  bool Json() const { return settings.output == OutputFormat::kJson; }
  TableStyle Style() const { return TableStyle{io.out_terminal, io.width}; }
};

using Action = std::function<Outcome<void>(Context&)>;

// The nouns. Each adds its subcommand to `app`; the chosen verb sets `chosen`.
void AddDeviceCommands(CLI::App& app, Action& chosen);
void AddGroupCommands(CLI::App& app, Action& chosen);
void AddTokenCommands(CLI::App& app, Action& chosen);
void AddAuditCommand(CLI::App& app, Action& chosen);
void AddEventsCommand(CLI::App& app, Action& chosen);
void AddLwm2mCommands(CLI::App& app, Action& chosen);
void AddOperationCommands(CLI::App& app, Action& chosen);
void AddFirmwareCommands(CLI::App& app, Action& chosen);
void AddCampaignCommands(CLI::App& app, Action& chosen);
void AddWindowCommands(CLI::App& app, Action& chosen);

// The verbs of `devices`, by file.
void AddDeviceReadCommands(CLI::App& devices, Action& chosen);
void AddDeviceWriteCommands(CLI::App& devices, Action& chosen);
void AddDeviceImportCommand(CLI::App& devices, Action& chosen);
void AddDeviceCredentialCommands(CLI::App& devices, Action& chosen);
void AddDeviceStateCommands(CLI::App& devices, Action& chosen);

// "a.b=v" settings of `devices desire` as a merge patch: dotted keys nest, a value that reads
// as JSON is taken as JSON (30, true, null, {"x":1}) and anything else as text.
Outcome<boost::json::object> ParseDesiredSettings(const std::vector<std::string>& settings);

// ---- output shared by the commands

// One object: json prints it as the server sent it; table prints its record, or its row
// under `header` when a header is given.
void PrintObject(Context& c, const boost::json::value& value);
void PrintObjectRow(Context& c, const boost::json::value& value, const Row& header,
                    Row (*row)(const boost::json::object&));

// A whole list answer such as {"groups": [...]}: json as sent, table as rows of `key`.
Outcome<void> PrintList(Context& c, const boost::json::value& answer, std::string_view key,
                        const Row& header, Row (*row)(const boost::json::object&));

// A cursor-paginated list (devices, audit): pages are written as they arrive. With `all`,
// every page is followed and json output is one merged object; without it, json is the page
// as sent and table output ends with a hint on stderr when there are more pages.
Outcome<void> PrintPages(Context& c, std::string_view path, Query query, bool all,
                         std::string_view key, const Row& header,
                         Row (*row)(const boost::json::object&));

// A line for the table output of a change that answers nothing (204), such as "device 42
// deleted"; json output prints nothing.
void PrintDone(Context& c, std::string_view message);

// Asks "<question> [y/N]" on a terminal. Without a terminal to ask on, it is a usage error
// that names `yes_flag`, because an irreversible change needs an explicit yes.
Outcome<bool> Confirm(Context& c, std::string_view question, std::string_view yes_flag);

// The id path of a device, group, ...: "/devices/42".
std::string IdPath(std::string_view collection, std::int64_t id);

}  // namespace custos::cli
