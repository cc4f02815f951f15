// devices credentials list|add|revoke.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/json_print.h"
#include "cli/resolve.h"

namespace custos::cli {
namespace {

namespace json = boost::json;

std::string CredentialsPath(std::int64_t device) {
  return IdPath("devices", device) + "/credentials";
}

Outcome<void> ListCredentials(Context& c, const std::string& device) {
  auto id = ResolveDevice(c.api, device);
  if (!id) return tl::unexpected(id.error());
  auto answer = c.api.Get(CredentialsPath(*id));
  if (!answer) return tl::unexpected(answer.error());
  return PrintList(c, *answer, "credentials", CredentialHeader(), &CredentialRow);
}

struct AddOptions {
  std::string device;
  std::string kind;
  std::string identity;
  std::optional<std::string> secret;
};

Outcome<void> AddCredential(Context& c, const AddOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  json::object body{{"kind", o.kind}, {"identity", o.identity}};
  if (o.secret) body["secret"] = *o.secret;
  auto answer = c.api.Post(CredentialsPath(*id), body);
  if (!answer) return tl::unexpected(answer.error());
  if (c.Json() || !answer->is_object()) {
    PrintJson(*answer, c.io.out);
    return {};
  }
  const json::object& a = answer->get_object();
  Record record;
  if (const json::value* credential = a.if_contains("credential");
      credential && credential->is_object()) {
    record = ObjectRecord(credential->get_object());
  }
  record.emplace_back("secret", Cell(a, "secret"));
  RenderRecord(record, c.io.out);
  c.io.err << "The secret is shown only this once.\n";
  return {};
}

struct RevokeOptions {
  std::string device;
  std::int64_t credential = 0;
};

Outcome<void> RevokeCredential(Context& c, const RevokeOptions& o) {
  auto id = ResolveDevice(c.api, o.device);
  if (!id) return tl::unexpected(id.error());
  auto done = c.api.Delete(fmt::format("{}/{}", CredentialsPath(*id), o.credential));
  if (!done) return tl::unexpected(done.error());
  PrintDone(c, fmt::format("credential {} of device {} revoked", o.credential, *id));
  return {};
}

}  // namespace

void AddDeviceCredentialCommands(CLI::App& devices, Action& chosen) {
  auto* credentials = devices.add_subcommand("credentials", "A device's credentials");
  credentials->require_subcommand(1);

  auto* list = credentials->add_subcommand("list", "List a device's credentials (never secrets)");
  auto device = std::make_shared<std::string>();
  list->add_option("device", *device, "ID or name")->required();
  list->callback(
      [&chosen, device] { chosen = [device](Context& c) { return ListCredentials(c, *device); }; });

  auto* add = credentials->add_subcommand("add", "Add a credential; prints its secret once");
  auto a = std::make_shared<AddOptions>();
  add->add_option("device", a->device, "ID or name")->required();
  add->add_option("--kind", a->kind, "psk, password or x509")
      ->required()
      ->check(CLI::IsMember({"psk", "password", "x509"}));
  add->add_option("--identity", a->identity,
                  "PSK identity, MQTT username or certificate SHA-256 fingerprint")
      ->required();
  add->add_option("--secret", a->secret,
                  "The secret (PSK key as hex, password); generated "
                  "when omitted");
  add->callback([&chosen, a] { chosen = [a](Context& c) { return AddCredential(c, *a); }; });

  auto* revoke = credentials->add_subcommand("revoke", "Revoke a credential");
  auto r = std::make_shared<RevokeOptions>();
  revoke->add_option("device", r->device, "ID or name")->required();
  revoke->add_option("credential", r->credential, "Credential id")->required();
  revoke->callback([&chosen, r] { chosen = [r](Context& c) { return RevokeCredential(c, *r); }; });
}

}  // namespace custos::cli
