// firmware upload|list|get|delete: images streamed to POST /firmware with a progress bar.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/arguments.h"
#include "cli/command.h"
#include "cli/progress.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

Row FirmwareHeader() { return {"ID", "NAME", "VERSION", "SIZE", "SHA256", "MODELS", "CREATED"}; }

Row FirmwareRow(const json::object& image) {
  std::string models;
  if (const auto* list = image.if_contains("models"); list && list->is_array()) {
    for (const auto& m : list->get_array()) {
      if (!m.is_string()) continue;
      if (!models.empty()) models += ",";
      models += m.get_string();
    }
  }
  std::string sha256 = Cell(image, "sha256");
  if (sha256.size() > 12) sha256 = sha256.substr(0, 12) + "…";
  return {Cell(image, "id"),
          Cell(image, "name"),
          Cell(image, "version"),
          Cell(image, "size"),
          sha256,
          models.empty() ? "-" : models,
          Cell(image, "created_at")};
}

Outcome<std::int64_t> FirmwareId(std::string_view arg) {
  if (!IsNumericId(arg)) return UsageError(fmt::format("'{}' is not a firmware id", arg));
  return std::stoll(std::string(arg));
}

struct UploadOptions {
  std::string file;
  std::string version;
  std::string name;
  std::vector<std::string> models;
  std::string sha256;
};

Outcome<void> UploadFirmware(Context& c, const UploadOptions& o) {
  std::ifstream file(o.file, std::ios::binary);
  if (!file) return UsageError(fmt::format("cannot open {}: {}", o.file, std::strerror(errno)));
  std::error_code ec;
  std::optional<std::uint64_t> size;
  if (const auto bytes = std::filesystem::file_size(o.file, ec); !ec) size = bytes;

  Query query{
      {"version", o.version},
      {"name", o.name.empty() ? std::filesystem::path(o.file).filename().string() : o.name}};
  if (!o.models.empty()) {
    std::string joined;
    for (const auto& m : o.models) joined += (joined.empty() ? "" : ",") + m;
    query.emplace_back("models", joined);
  }
  if (!o.sha256.empty()) query.emplace_back("sha256", o.sha256);

  ProgressBar bar(c.io.err, c.io.err_terminal, c.io.width, size, /*count_rows=*/false);
  std::uint64_t sent = 0;
  auto image = c.api.Upload("/firmware", query, "application/octet-stream", file,
                            [&](std::string_view piece) {
                              sent += piece.size();
                              bar.Update(sent, 0);
                            });
  bar.Finish();
  if (!image) return tl::unexpected(image.error());
  PrintObject(c, *image);
  return {};
}

Outcome<void> ListFirmware(Context& c, bool all) {
  return PrintPages(c, "/firmware", {}, all, "firmware", FirmwareHeader(), &FirmwareRow);
}

Outcome<void> GetFirmware(Context& c, const std::string& arg) {
  auto id = FirmwareId(arg);
  if (!id) return tl::unexpected(id.error());
  auto image = c.api.Get(IdPath("firmware", *id));
  if (!image) return tl::unexpected(image.error());
  PrintObject(c, *image);
  return {};
}

Outcome<void> DeleteFirmware(Context& c, const std::string& arg, bool yes) {
  auto id = FirmwareId(arg);
  if (!id) return tl::unexpected(id.error());
  if (!yes) {
    auto confirmed = Confirm(c, fmt::format("Delete firmware {}?", *id), "--yes");
    if (!confirmed) return tl::unexpected(confirmed.error());
    if (!*confirmed) {
      c.io.err << "not deleted\n";
      return {};
    }
  }
  auto deleted = c.api.Delete(IdPath("firmware", *id));
  if (!deleted) return tl::unexpected(deleted.error());
  PrintDone(c, fmt::format("firmware {} deleted", *id));
  return {};
}

}  // namespace

void AddFirmwareCommands(CLI::App& app, Action& chosen) {
  auto* firmware = app.add_subcommand("firmware", "Firmware images devices update to");
  firmware->require_subcommand(1);
  {
    auto* upload = firmware->add_subcommand("upload", "Upload a firmware image");
    auto o = std::make_shared<UploadOptions>();
    upload->add_option("file", o->file, "The image file")->required();
    upload->add_option("--version", o->version, "The image's version")->required();
    upload->add_option("--name", o->name, "A name (default: the file's name)");
    upload->add_option("--models", o->models, "Device models it is meant for (a,b)")
        ->delimiter(',');
    upload->add_option("--sha256", o->sha256, "Refuse the upload unless the digest is this");
    upload->callback([&chosen, o] { chosen = [o](Context& c) { return UploadFirmware(c, *o); }; });
  }
  {
    auto* list = firmware->add_subcommand("list", "List firmware images");
    auto all = std::make_shared<bool>(false);
    list->add_flag("--all", *all, "Follow every page");
    list->callback(
        [&chosen, all] { chosen = [all](Context& c) { return ListFirmware(c, *all); }; });
  }
  {
    auto* get = firmware->add_subcommand("get", "Show one firmware image");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "Its id")->required();
    get->callback([&chosen, id] { chosen = [id](Context& c) { return GetFirmware(c, *id); }; });
  }
  {
    auto* remove = firmware->add_subcommand(
        "delete", "Delete a firmware image (refused while an operation uses it)");
    auto id = std::make_shared<std::string>();
    auto yes = std::make_shared<bool>(false);
    remove->add_option("id", *id, "Its id")->required();
    remove->add_flag("--yes,-y", *yes, "Do not ask for confirmation");
    remove->callback([&chosen, id, yes] {
      chosen = [id, yes](Context& c) { return DeleteFirmware(c, *id, *yes); };
    });
  }
}

}  // namespace custos::cli
