// Store contract: operator tokens and the audit log.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::AuditEntry;
using core::AuditQuery;
using core::ErrorCode;
using core::OperatorToken;

OperatorToken NewToken(std::string name, std::string hash, core::Role role) {
  OperatorToken t;
  t.name = std::move(name);
  t.role = role;
  t.secret_hash = std::move(hash);
  t.prefix = "cst_abcdefgh";
  t.created_by = "bootstrap";
  return t;
}

TEST_P(StoreContractTest, TokenIsCreatedFoundAndListed) {
  OperatorToken t = NewToken("ci", "aa11", core::Role::kOperator);
  t.expires_at = kStart + 60'000;
  auto created = store().CreateToken(t, Audit("token.create", "token"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->created_at, kStart);
  auto found = store().FindTokenByHash("aa11");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->role, core::Role::kOperator);
  EXPECT_EQ(found->prefix, "cst_abcdefgh");
  EXPECT_EQ(found->expires_at, kStart + 60'000);
  EXPECT_FALSE(found->revoked_at);
  EXPECT_FALSE(found->last_used_at);
  EXPECT_EQ(found->created_by, "bootstrap");
  EXPECT_EQ(store().GetToken(created->id)->secret_hash, "aa11");
  ASSERT_TRUE(store().CreateToken(NewToken("admin", "bb22", core::Role::kAdmin),
                                  Audit("token.create", "token")));
  auto all = store().ListTokens();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(1).role, core::Role::kAdmin);
  EXPECT_EQ(store().FindTokenByHash("zz").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().GetToken(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TokenSecretHashIsUnique) {
  ASSERT_TRUE(store().CreateToken(NewToken("a", "same", core::Role::kViewer), Audit("t")));
  EXPECT_EQ(
      store().CreateToken(NewToken("b", "same", core::Role::kViewer), Audit("t")).error().code,
      ErrorCode::kAlreadyExists);
}

TEST_P(StoreContractTest, RevokedAndExpiredTokensAreNotActive) {
  OperatorToken expiring = NewToken("e", "h1", core::Role::kViewer);
  expiring.expires_at = kStart + 1000;
  auto a = store().CreateToken(NewToken("a", "h0", core::Role::kAdmin), Audit("t"));
  auto e = store().CreateToken(expiring, Audit("t"));
  auto r = store().CreateToken(NewToken("r", "h2", core::Role::kViewer), Audit("t"));
  ASSERT_TRUE(a && e && r);
  EXPECT_EQ(*store().CountActiveTokens(), 3);
  ASSERT_TRUE(store().RevokeToken(r->id, kStart + 5, Audit("token.revoke", "token")));
  EXPECT_EQ(store().GetToken(r->id)->revoked_at, kStart + 5);
  EXPECT_EQ(*store().CountActiveTokens(), 2);
  clock_.Advance(1000);
  EXPECT_EQ(*store().CountActiveTokens(), 1);
  EXPECT_EQ(store().RevokeToken(999, kStart, Audit("token.revoke")).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TouchTokenRecordsLastUse) {
  auto t = store().CreateToken(NewToken("a", "h0", core::Role::kAdmin), Audit("t"));
  ASSERT_TRUE(t);
  const std::size_t audits = AuditCount();
  ASSERT_TRUE(store().TouchToken(t->id, kStart + 42));
  EXPECT_EQ(store().GetToken(t->id)->last_used_at, kStart + 42);
  EXPECT_EQ(AuditCount(), audits);  // not audited
}

TEST_P(StoreContractTest, AuditIsWrittenWithTheChangeAndNamesTheNewId) {
  clock_.Advance(3);
  core::Device d = Create("sensor-1");
  AuditQuery q;
  q.target_type = "device";
  auto entries = store().ListAudit(q);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 1u);
  const AuditEntry& e = entries->front();
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.at, kStart + 3);
  EXPECT_EQ(e.actor, "tester");
  EXPECT_EQ(e.actor_token_id, 7);
  EXPECT_EQ(e.action, "device.create");
  EXPECT_EQ(e.target_id, std::to_string(d.id));
  EXPECT_EQ(e.details_json, R"({"why":"test"})");
}

TEST_P(StoreContractTest, AuditKeepsTheTimeTheCallerSet) {
  AuditEntry e = Audit("device.create");
  e.at = 12345;
  ASSERT_TRUE(store().CreateDevice(NewDevice("x"), e));
  EXPECT_EQ(store().ListAudit({})->front().at, 12345);
}

TEST_P(StoreContractTest, AuditListsNewestFirstWithFilters) {
  core::Device a = Create("a");  // audit 1: device.create at kStart
  clock_.Advance(10);
  auto g = store().CreateGroup(NewGroup("g"), Audit("group.create", "group"));
  ASSERT_TRUE(g);  // audit 2 at kStart+10
  clock_.Advance(10);
  AuditEntry by_other = Audit("device.delete", "device", std::to_string(a.id));
  by_other.actor = "other";
  ASSERT_TRUE(store().DeleteDevice(a.id, by_other));  // audit 3 at kStart+20

  auto all = store().ListAudit({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(0).action, "device.delete");
  EXPECT_EQ(all->at(2).action, "device.create");
  EXPECT_GT(all->at(0).id, all->at(1).id);

  auto actions = [&](AuditQuery q) {
    std::vector<std::string> out;
    auto got = store().ListAudit(q);
    EXPECT_TRUE(got) << got.error().message;
    if (got) {
      for (const AuditEntry& e : *got) out.push_back(e.action);
    }
    return out;
  };
  using V = std::vector<std::string>;
  AuditQuery q;
  q.action_prefix = "device.";
  EXPECT_EQ(actions(q), (V{"device.delete", "device.create"}));
  q = {};
  q.actor = "other";
  EXPECT_EQ(actions(q), (V{"device.delete"}));
  q = {};
  q.target_type = "device";
  q.target_id = std::to_string(a.id);
  EXPECT_EQ(actions(q), (V{"device.delete", "device.create"}));
  q = {};
  q.since = kStart + 10;  // inclusive
  EXPECT_EQ(actions(q), (V{"device.delete", "group.create"}));
  q = {};
  q.until = kStart + 10;  // exclusive
  EXPECT_EQ(actions(q), (V{"device.create"}));
  q = {};
  q.before_id = all->at(0).id;
  q.limit = 1;
  EXPECT_EQ(actions(q), (V{"group.create"}));
  q = {};
  q.limit = 0;
  EXPECT_EQ(store().ListAudit(q).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, EveryAuditedChangeWritesOneEntry) {
  std::vector<std::string> actions;
  auto check = [&](const char* action, bool ok) {
    ASSERT_TRUE(ok) << action;
    actions.insert(actions.begin(), action);
    auto entries = store().ListAudit({});
    ASSERT_TRUE(entries);
    std::vector<std::string> got;
    for (const AuditEntry& e : *entries) got.push_back(e.action);
    EXPECT_EQ(got, actions) << "after " << action;
  };
  core::Device d = Create("a");
  actions.push_back("device.create");
  auto imported = store().ImportDevices({NewDevice("b")}, 1, core::ConflictPolicy::kFail,
                                        Audit("device.import"));
  check("device.import", imported.has_value());
  auto updated = store().UpdateDevice(d, Audit("device.update"));
  check("device.update", updated.has_value());
  core::Credential cred;
  cred.device_id = d.id;
  cred.kind = "psk";
  cred.identity = "a";
  cred.secret = "00";
  auto added = store().AddCredential(cred, Audit("credential.add"));
  check("credential.add", added.has_value());
  check("credential.revoke",
        store().RevokeCredential(added->id, Audit("credential.revoke")).has_value());
  auto retired = store().RetireDevice(*updated, Audit("device.retire"));
  check("device.retire", retired.has_value());
  auto g = store().CreateGroup(NewGroup("g"), Audit("group.create"));
  check("group.create", g.has_value());
  auto g2 = store().UpdateGroup(*g, Audit("group.update"));
  check("group.update", g2.has_value());
  check("group.members.add",
        store().AddGroupMembers(g->id, {d.id}, Audit("group.members.add")).has_value());
  check("group.members.remove",
        store().RemoveGroupMembers(g->id, {d.id}, Audit("group.members.remove")).has_value());
  check("group.delete", store().DeleteGroup(g->id, Audit("group.delete")).has_value());
  auto t = store().CreateToken(NewToken("t", "h", core::Role::kViewer), Audit("token.create"));
  check("token.create", t.has_value());
  check("token.revoke", store().RevokeToken(t->id, kStart, Audit("token.revoke")).has_value());
  check("device.delete", store().DeleteDevice(d.id, Audit("device.delete")).has_value());
  // Not audited: connectivity and token use.
  ASSERT_TRUE(store().SaveConnectivity({{imported->front().id, core::Connectivity{}}}));
  ASSERT_TRUE(store().TouchToken(t->id, kStart));
  EXPECT_EQ(AuditCount(), actions.size());
}

TEST_P(StoreContractTest, FailedChangesWriteNoAudit) {
  core::Device d = Create("a");
  auto g = store().CreateGroup(NewGroup("g"), Audit("group.create", "group"));
  ASSERT_TRUE(g);
  const std::size_t audits = AuditCount();
  core::Device stale = d;
  stale.version = 5;
  EXPECT_FALSE(store().CreateDevice(NewDevice("a"), Audit("device.create")));
  EXPECT_FALSE(store().UpdateDevice(stale, Audit("device.update")));
  EXPECT_FALSE(store().DeleteDevice(999, Audit("device.delete")));
  EXPECT_FALSE(store().CreateGroup(NewGroup("g"), Audit("group.create")));
  EXPECT_FALSE(store().AddGroupMembers(g->id, {999}, Audit("group.members")));
  EXPECT_FALSE(store().RevokeCredential(999, Audit("credential.revoke")));
  EXPECT_EQ(AuditCount(), audits);
}

}  // namespace
}  // namespace custos::store::contract
