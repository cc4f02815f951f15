// devices create, update, disable, enable, retire, delete.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/arguments.h"
#include "cli/command.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

// The identity fields shared by create and update, as flag name and JSON member.
struct IdentityField {
  const char* flag;
  const char* member;
  const char* help;
};
constexpr IdentityField kIdentityFields[] = {
    {"--protocol", "protocol", "lwm2m, mqtt, cwmp, usp or http"},
    {"--manufacturer", "manufacturer", "Manufacturer"},
    {"--model", "model", "Model"},
    {"--serial", "serial", "Serial number"},
    {"--hardware-version", "hardware_version", "Hardware version"},
    {"--firmware-version", "firmware_version", "Firmware version"},
    {"--software-version", "software_version", "Software version"},
};
constexpr std::size_t kIdentityCount = std::size(kIdentityFields);

struct DeviceFields {
  std::optional<std::string> identity[kIdentityCount];
  std::vector<std::string> labels;
  std::optional<std::string> metadata;
};

void AddFieldOptions(CLI::App& command, DeviceFields& fields) {
  for (std::size_t i = 0; i < kIdentityCount; ++i) {
    command.add_option(kIdentityFields[i].flag, fields.identity[i], kIdentityFields[i].help);
  }
  command.add_option("--label", fields.labels, "KEY=VALUE; repeat for more labels");
  command.add_option("--metadata", fields.metadata, "A JSON object of free-form metadata");
}

// Writes the fields given into `body`; labels under `labels` are merged into what is there.
Outcome<void> FillFields(const DeviceFields& fields, json::object& body) {
  for (std::size_t i = 0; i < kIdentityCount; ++i) {
    if (fields.identity[i]) body[kIdentityFields[i].member] = *fields.identity[i];
  }
  if (!fields.labels.empty()) {
    auto labels = ParseLabels(fields.labels);
    if (!labels) return tl::unexpected(labels.error());
    body["labels"] = std::move(*labels);
  }
  if (fields.metadata) {
    auto metadata = ParseJsonObject(*fields.metadata, "--metadata");
    if (!metadata) return tl::unexpected(metadata.error());
    body["metadata"] = std::move(*metadata);
  }
  return {};
}

struct CreateOptions {
  std::string name;
  DeviceFields fields;
};

Outcome<void> CreateDevice(Context& c, const CreateOptions& o) {
  json::object body;
  body["name"] = o.name;
  if (auto filled = FillFields(o.fields, body); !filled) return filled;
  auto device = c.api.Post("/devices", body);
  if (!device) return tl::unexpected(device.error());
  PrintObjectRow(c, *device, DeviceHeader(), &DeviceRow);
  return {};
}

struct UpdateOptions {
  std::string device;
  DeviceFields fields;
  std::vector<std::string> remove_labels;
  std::optional<std::int64_t> version;
};

Outcome<void> UpdateDevice(Context& c, const UpdateOptions& o) {
  json::object body;
  if (auto filled = FillFields(o.fields, body); !filled) return filled;
  if (!o.remove_labels.empty()) {
    json::value& labels = body["labels"];
    if (!labels.is_object()) labels = json::object();
    for (const std::string& key : o.remove_labels) {
      if (labels.get_object().contains(key)) {
        return UsageError(fmt::format("label {} is both set and removed", key));
      }
      labels.get_object()[key] = nullptr;
    }
  }
  if (body.empty()) {
    return UsageError("nothing to change: give a field, --label, --remove-label or --metadata");
  }
  if (o.version) body["version"] = *o.version;
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  auto device = c.api.Patch(IdPath("devices", *id), body);
  if (!device) return tl::unexpected(device.error());
  PrintObjectRow(c, *device, DeviceHeader(), &DeviceRow);
  return {};
}

struct TransitionOptions {
  std::string device;
  std::optional<std::string> reason;
};

Outcome<void> Transition(Context& c, const std::string& verb, const TransitionOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  json::object body;
  if (o.reason) body["reason"] = *o.reason;
  auto device = c.api.Post(IdPath("devices", *id) + "/" + verb, body);
  if (!device) return tl::unexpected(device.error());
  PrintObjectRow(c, *device, DeviceHeader(), &DeviceRow);
  return {};
}

struct DeleteOptions {
  std::string device;
  bool yes = false;
};

Outcome<void> DeleteDevice(Context& c, const DeleteOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  if (!o.yes) {
    auto confirmed = Confirm(c, fmt::format("Delete device {} ({})?", *id, o.device), "--yes");
    if (!confirmed) return tl::unexpected(confirmed.error());
    if (!*confirmed) {
      c.io.err << "not deleted\n";
      return {};
    }
  }
  auto deleted = c.api.Delete(IdPath("devices", *id));
  if (!deleted) return tl::unexpected(deleted.error());
  PrintDone(c, fmt::format("device {} deleted", *id));
  return {};
}

}  // namespace

void AddDeviceWriteCommands(CLI::App& devices, Action& chosen) {
  {
    auto* create = devices.add_subcommand("create", "Register a device");
    auto o = std::make_shared<CreateOptions>();
    create->add_option("name", o->name, "Unique name: the protocol's own name for it")->required();
    AddFieldOptions(*create, o->fields);
    create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateDevice(c, *o); }; });
  }
  {
    auto* update = devices.add_subcommand("update", "Change a device's fields and labels");
    auto o = std::make_shared<UpdateOptions>();
    update->add_option("device", o->device, "ID or name")->required();
    AddFieldOptions(*update, o->fields);
    update->add_option("--remove-label", o->remove_labels, "KEY; repeat for more labels");
    update->add_option("--version", o->version,
                       "Change only if the device is still at this version");
    update->callback([&chosen, o] { chosen = [o](Context& c) { return UpdateDevice(c, *o); }; });
  }
  for (const char* verb : {"disable", "enable", "retire"}) {
    const std::string help =
        std::string(verb) == "retire"
            ? "Retire a device for good: credentials revoked, record kept"
            : fmt::format("{} a device", verb == std::string("disable") ? "Disable" : "Enable");
    auto* command = devices.add_subcommand(verb, help);
    auto o = std::make_shared<TransitionOptions>();
    command->add_option("device", o->device, "ID or name")->required();
    command->add_option("--reason", o->reason, "Why, for the audit log");
    command->callback([&chosen, o, verb = std::string(verb)] {
      chosen = [o, verb](Context& c) { return Transition(c, verb, *o); };
    });
  }
  {
    auto* remove = devices.add_subcommand("delete", "Delete a device record");
    auto o = std::make_shared<DeleteOptions>();
    remove->add_option("device", o->device, "ID or name")->required();
    remove->add_flag("--yes,-y", o->yes, "Do not ask for confirmation");
    remove->callback([&chosen, o] { chosen = [o](Context& c) { return DeleteDevice(c, *o); }; });
  }
}

}  // namespace custos::cli
