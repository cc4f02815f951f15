// tokens list|create|revoke|whoami.
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

Outcome<void> ListTokens(Context& c) {
  auto answer = c.api.Get("/tokens");
  if (!answer) return tl::unexpected(answer.error());
  return PrintList(c, *answer, "tokens", TokenHeader(), &TokenRow);
}

struct CreateOptions {
  std::string name;
  std::string role;
  std::optional<std::string> expires_at;
};

Outcome<void> CreateToken(Context& c, const CreateOptions& o) {
  json::object body{{"name", o.name}, {"role", o.role}};
  if (o.expires_at) body["expires_at"] = *o.expires_at;
  auto answer = c.api.Post("/tokens", body);
  if (!answer) return tl::unexpected(answer.error());
  if (c.Json() || !answer->is_object()) {
    PrintJson(*answer, c.io.out);
    return {};
  }
  const json::object& a = answer->get_object();
  Record record;
  if (const json::value* token = a.if_contains("token"); token && token->is_object()) {
    record = ObjectRecord(token->get_object());
  }
  record.emplace_back("secret", Cell(a, "secret"));
  RenderRecord(record, c.io.out);
  c.io.err << "The secret is shown only this once: keep it now.\n";
  return {};
}

Outcome<void> RevokeToken(Context& c, const std::string& arg) {
  auto id = ResolveToken(c.api, arg);
  if (!id) return tl::unexpected(id.error());
  auto done = c.api.Delete(IdPath("tokens", *id));
  if (!done) return tl::unexpected(done.error());
  PrintDone(c, fmt::format("token {} revoked", *id));
  return {};
}

Outcome<void> WhoAmI(Context& c) {
  auto token = c.api.Get("/tokens/self");
  if (!token) return tl::unexpected(token.error());
  PrintObject(c, *token);
  return {};
}

}  // namespace

void AddTokenCommands(CLI::App& app, Action& chosen) {
  auto* tokens = app.add_subcommand("tokens", "Operator tokens (admin)");
  tokens->require_subcommand(1);

  tokens->add_subcommand("list", "List operator tokens")->callback([&chosen] {
    chosen = [](Context& c) { return ListTokens(c); };
  });

  auto* create = tokens->add_subcommand("create", "Create a token; prints its secret once");
  auto o = std::make_shared<CreateOptions>();
  create->add_option("name", o->name, "What the token is for, e.g. ci-pipeline")->required();
  create->add_option("--role", o->role, "admin, operator or viewer")
      ->required()
      ->check(CLI::IsMember({"admin", "operator", "viewer"}));
  create->add_option("--expires-at", o->expires_at, "RFC 3339 time, e.g. 2027-01-01T00:00:00Z");
  create->callback([&chosen, o] { chosen = [o](Context& c) { return CreateToken(c, *o); }; });

  auto* revoke = tokens->add_subcommand("revoke", "Revoke a token at once");
  auto token = std::make_shared<std::string>();
  revoke->add_option("token", *token, "ID or name")->required();
  revoke->callback(
      [&chosen, token] { chosen = [token](Context& c) { return RevokeToken(c, *token); }; });

  tokens->add_subcommand("whoami", "Show the token in use")->callback([&chosen] {
    chosen = [](Context& c) { return WhoAmI(c); };
  });
}

}  // namespace custos::cli
