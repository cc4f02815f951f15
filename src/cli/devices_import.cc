// devices import: streams a file to POST /devices/import with a progress bar.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/command.h"
#include "cli/import_file.h"
#include "cli/progress.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

struct ImportOptions {
  std::string file;
  std::string format;
  std::string on_conflict;
};

Outcome<ImportFormat> ChooseFormat(const ImportOptions& o) {
  if (!o.format.empty()) {
    if (auto format = ImportFormatFromName(o.format)) return *format;
    return UsageError(fmt::format("--format {}: must be json, ndjson or csv", o.format));
  }
  if (o.file == "-") return UsageError("reading standard input needs --format json|ndjson|csv");
  if (auto format = ImportFormatFromPath(o.file)) return *format;
  return UsageError(fmt::format(
      "cannot tell the format of {} from its extension; pass --format json|ndjson|csv", o.file));
}

void PrintReport(Context& c, const json::value& report) {
  if (c.Json() || !report.is_object()) {
    PrintObject(c, report);
    return;
  }
  const json::object& r = report.get_object();
  Record counts;
  for (const char* key : {"total", "accepted", "created", "updated", "skipped", "rejected"}) {
    counts.emplace_back(key, Cell(r, key));
  }
  RenderRecord(counts, c.io.out);
  const json::value* errors = r.if_contains("errors");
  if (errors == nullptr || !errors->is_array() || errors->get_array().empty()) return;
  std::vector<Row> rows;
  for (const json::value& e : errors->get_array()) {
    if (!e.is_object()) continue;
    const json::object& error = e.get_object();
    rows.push_back(
        {Cell(error, "row"), Cell(error, "name"), Cell(error, "code"), Cell(error, "message")});
  }
  c.io.out << '\n';
  RenderTable({"ROW", "NAME", "CODE", "MESSAGE"}, std::move(rows), c.Style(), c.io.out);
  if (const json::value* cut = r.if_contains("errors_truncated");
      cut != nullptr && cut->is_bool() && cut->get_bool()) {
    c.io.out << "(more rejected rows than listed: the server lists the first 1000)\n";
  }
}

Outcome<void> ImportDevices(Context& c, const ImportOptions& o) {
  auto format = ChooseFormat(o);
  if (!format) return tl::unexpected(format.error());

  std::ifstream file;
  std::istream* body = &c.io.in;
  std::optional<std::uint64_t> size;
  if (o.file != "-") {
    file.open(o.file, std::ios::binary);
    if (!file) return UsageError(fmt::format("cannot open {}: {}", o.file, std::strerror(errno)));
    std::error_code ec;
    if (std::filesystem::is_regular_file(o.file, ec)) {
      const auto bytes = std::filesystem::file_size(o.file, ec);
      if (!ec) size = bytes;
    }
    body = &file;
  }

  RowCounter rows(*format);
  ProgressBar bar(c.io.err, c.io.err_terminal, c.io.width, size);
  std::uint64_t sent = 0;
  auto report = c.api.Upload("/devices/import", {{"on_conflict", o.on_conflict}},
                             ContentType(*format), *body, [&](std::string_view piece) {
                               sent += piece.size();
                               rows.Feed(piece);
                               bar.Update(sent, rows.Rows());
                             });
  bar.Finish();
  if (!report) return tl::unexpected(report.error());
  PrintReport(c, *report);
  return {};
}

}  // namespace

void AddDeviceImportCommand(CLI::App& devices, Action& chosen) {
  auto* command = devices.add_subcommand(
      "import", "Create or update devices in bulk from a JSON, NDJSON or CSV file");
  auto o = std::make_shared<ImportOptions>();
  command->add_option("file", o->file, "The file; '-' reads standard input (needs --format)")
      ->required();
  command->add_option("--format", o->format, "json, ndjson or csv (default: by extension)")
      ->check(CLI::IsMember({"json", "ndjson", "csv"}));
  command
      ->add_option("--on-conflict", o->on_conflict,
                   "What to do with a row whose name exists: fail (default), skip, update")
      ->check(CLI::IsMember({"fail", "skip", "update"}));
  command->callback([&chosen, o] { chosen = [o](Context& c) { return ImportDevices(c, *o); }; });
}

}  // namespace custos::cli
