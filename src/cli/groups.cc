// groups list|get|create|update|delete|members|add-members|remove-members.
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

Outcome<void> ListGroups(Context& c) {
  auto answer = c.api.Get("/groups");
  if (!answer) return tl::unexpected(answer.error());
  return PrintList(c, *answer, "groups", GroupHeader(), &GroupRow);
}

Outcome<void> GetGroup(Context& c, const std::string& arg) {
  auto id = ResolveGroup(c.api, arg);
  if (!id) return tl::unexpected(id.error());
  auto group = c.api.Get(IdPath("groups", *id));
  if (!group) return tl::unexpected(group.error());
  PrintObject(c, *group);
  return {};
}

struct CreateOptions {
  std::string name;
  bool is_static = false;
  std::optional<std::string> filter;
  std::optional<std::string> description;
  std::vector<std::string> labels;
};

Outcome<void> CreateGroup(Context& c, const CreateOptions& o) {
  if (o.is_static == o.filter.has_value()) {
    return UsageError("a group is either --static or dynamic with --filter F: give one of them");
  }
  json::object body{{"name", o.name}, {"kind", o.is_static ? "static" : "dynamic"}};
  if (o.filter) body["filter"] = *o.filter;
  if (o.description) body["description"] = *o.description;
  if (!o.labels.empty()) {
    auto labels = ParseLabels(o.labels);
    if (!labels) return tl::unexpected(labels.error());
    body["labels"] = std::move(*labels);
  }
  auto group = c.api.Post("/groups", body);
  if (!group) return tl::unexpected(group.error());
  PrintObjectRow(c, *group, GroupHeader(), &GroupRow);
  return {};
}

struct UpdateOptions {
  std::string group;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> filter;
  std::vector<std::string> labels;
  std::optional<std::int64_t> version;
};

Outcome<void> UpdateGroup(Context& c, const UpdateOptions& o) {
  json::object body;
  if (o.name) body["name"] = *o.name;
  if (o.description) body["description"] = *o.description;
  if (o.filter) body["filter"] = *o.filter;
  if (!o.labels.empty()) {
    auto labels = ParseLabels(o.labels);
    if (!labels) return tl::unexpected(labels.error());
    body["labels"] = std::move(*labels);
  }
  if (body.empty()) {
    return UsageError("nothing to change: give --name, --description, --filter or --label");
  }
  if (o.version) body["version"] = *o.version;
  auto id = ResolveGroup(c.api, o.group);
  if (!id) return tl::unexpected(id.error());
  auto group = c.api.Patch(IdPath("groups", *id), body);
  if (!group) return tl::unexpected(group.error());
  PrintObjectRow(c, *group, GroupHeader(), &GroupRow);
  return {};
}

struct DeleteOptions {
  std::string group;
  bool yes = false;
};

Outcome<void> DeleteGroup(Context& c, const DeleteOptions& o) {
  auto id = ResolveGroup(c.api, o.group);
  if (!id) return tl::unexpected(id.error());
  if (!o.yes) {
    auto confirmed = Confirm(c, fmt::format("Delete group {} ({})?", *id, o.group), "--yes");
    if (!confirmed) return tl::unexpected(confirmed.error());
    if (!*confirmed) {
      c.io.err << "not deleted\n";
      return {};
    }
  }
  auto deleted = c.api.Delete(IdPath("groups", *id));
  if (!deleted) return tl::unexpected(deleted.error());
  PrintDone(c, fmt::format("group {} deleted", *id));
  return {};
}

struct MembersOptions {
  std::string group;
  std::string sort;
  std::string cursor;
  int limit = 0;
  bool all = false;
};

Outcome<void> ListMembers(Context& c, const MembersOptions& o) {
  auto id = ResolveGroup(c.api, o.group);
  if (!id) return tl::unexpected(id.error());
  Query query{{"sort", o.sort},
              {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
              {"cursor", o.cursor}};
  return PrintPages(c, IdPath("groups", *id) + "/devices", std::move(query), o.all, "devices",
                    DeviceHeader(), &DeviceRow);
}

struct ChangeMembersOptions {
  std::string group;
  std::vector<std::string> devices;
};

Outcome<void> ChangeMembers(Context& c, const ChangeMembersOptions& o, bool add) {
  auto id = ResolveGroup(c.api, o.group);
  if (!id) return tl::unexpected(id.error());
  json::array ids;
  for (const std::string& device : o.devices) {
    auto device_id = ResolveDevice(c.api, device);
    if (!device_id) return tl::unexpected(device_id.error());
    ids.push_back(*device_id);
  }
  const std::string path = IdPath("groups", *id) + (add ? "/members" : "/members/remove");
  auto done = c.api.Post(path, json::object{{"devices", ids}});
  if (!done) return tl::unexpected(done.error());
  PrintDone(c, fmt::format("{} {} device{} {} group {}", add ? "added" : "removed", ids.size(),
                           ids.size() == 1 ? "" : "s", add ? "to" : "from", *id));
  return {};
}

}  // namespace

void AddGroupCommands(CLI::App& app, Action& chosen) {
  auto* groups = app.add_subcommand("groups", "Static and dynamic groups of devices");
  groups->require_subcommand(1);

  groups->add_subcommand("list", "List groups")->callback([&chosen] {
    chosen = [](Context& c) { return ListGroups(c); };
  });

  {
    auto* get = groups->add_subcommand("get", "Show one group");
    auto group = std::make_shared<std::string>();
    get->add_option("group", *group, "ID or name")->required();
    get->callback(
        [&chosen, group] { chosen = [group](Context& c) { return GetGroup(c, *group); }; });
  }
  {
    auto* create = groups->add_subcommand("create", "Create a static or a dynamic group");
    auto o = std::make_shared<CreateOptions>();
    create->add_option("name", o->name, "Unique name")->required();
    auto* is_static = create->add_flag("--static", o->is_static, "Members are added by hand");
    create->add_option("--filter", o->filter, "Members are the devices this filter selects")
        ->excludes(is_static);
    create->add_option("--description", o->description, "What the group is for");
    create->add_option("--label", o->labels, "KEY=VALUE; repeat for more labels");
    create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateGroup(c, *o); }; });
  }
  {
    auto* update = groups->add_subcommand("update", "Rename or change a group");
    auto o = std::make_shared<UpdateOptions>();
    update->add_option("group", o->group, "ID or name")->required();
    update->add_option("--name", o->name, "New name");
    update->add_option("--description", o->description, "New description");
    update->add_option("--filter", o->filter, "New filter (dynamic groups)");
    update->add_option("--label", o->labels, "KEY=VALUE; repeat for more labels");
    update->add_option("--version", o->version, "Change only if still at this version");
    update->callback([&chosen, o] { chosen = [o](Context& c) { return UpdateGroup(c, *o); }; });
  }
  {
    auto* remove = groups->add_subcommand("delete", "Delete a group (not its devices)");
    auto o = std::make_shared<DeleteOptions>();
    remove->add_option("group", o->group, "ID or name")->required();
    remove->add_flag("--yes,-y", o->yes, "Do not ask for confirmation");
    remove->callback([&chosen, o] { chosen = [o](Context& c) { return DeleteGroup(c, *o); }; });
  }
  {
    auto* members = groups->add_subcommand("members", "List a group's devices");
    auto o = std::make_shared<MembersOptions>();
    members->add_option("group", o->group, "ID or name")->required();
    members->add_option("--sort", o->sort, "As for devices list");
    members->add_option("--limit", o->limit, "Devices per page (1..1000)")
        ->check(CLI::Range(1, 1000));
    members->add_option("--cursor", o->cursor, "Start at this page");
    members->add_flag("--all", o->all, "Follow the cursors to the last page");
    members->callback([&chosen, o] { chosen = [o](Context& c) { return ListMembers(c, *o); }; });
  }
  for (const bool add : {true, false}) {
    auto* command = groups->add_subcommand(
        add ? "add-members" : "remove-members",
        add ? "Add devices to a static group" : "Remove devices from a static group");
    auto o = std::make_shared<ChangeMembersOptions>();
    command->add_option("group", o->group, "ID or name")->required();
    command->add_option("devices", o->devices, "Device IDs or names")->required();
    command->callback(
        [&chosen, o, add] { chosen = [o, add](Context& c) { return ChangeMembers(c, *o, add); }; });
  }
}

}  // namespace custos::cli
