// audit: the audit log, newest first.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/command.h"

namespace custos::cli {
namespace {

struct AuditOptions {
  std::string target_type;
  std::string target_id;
  std::string actor;
  std::string action;
  std::string since;
  std::string until;
  std::string cursor;
  int limit = 0;
  bool all = false;
};

Outcome<void> ShowAudit(Context& c, const AuditOptions& o) {
  Query query{{"target_type", o.target_type},
              {"target_id", o.target_id},
              {"actor", o.actor},
              {"action", o.action},
              {"since", o.since},
              {"until", o.until},
              {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
              {"cursor", o.cursor}};
  return PrintPages(c, "/audit", std::move(query), o.all, "entries", AuditHeader(), &AuditRow);
}

}  // namespace

void AddAuditCommand(CLI::App& app, Action& chosen) {
  auto* audit = app.add_subcommand("audit", "The audit log: who changed what, newest first");
  auto o = std::make_shared<AuditOptions>();
  audit->add_option("--target-type", o->target_type, "device, group, token or credential");
  audit->add_option("--target-id", o->target_id, "Id of the target");
  audit->add_option("--actor", o->actor, "Token name");
  audit->add_option("--action", o->action, "Action prefix: 'device.' matches every device action");
  audit->add_option("--since", o->since, "RFC 3339 time");
  audit->add_option("--until", o->until, "RFC 3339 time");
  audit->add_option("--limit", o->limit, "Entries per page (1..1000)")->check(CLI::Range(1, 1000));
  audit->add_option("--cursor", o->cursor, "Start at this page");
  audit->add_flag("--all", o->all, "Follow the cursors to the oldest entry");
  audit->callback([&chosen, o] { chosen = [o](Context& c) { return ShowAudit(c, *o); }; });
}

}  // namespace custos::cli
