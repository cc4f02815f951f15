// Store contract: groups and static membership.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ErrorCode;
using core::Group;

Group MakeGroup(std::string name, core::GroupKind kind = core::GroupKind::kStatic) {
  Group g;
  g.name = std::move(name);
  g.description = "the " + g.name;
  g.kind = kind;
  if (kind == core::GroupKind::kDynamic) g.filter = R"(labels.region = "eu")";
  g.labels = {{"team", "ops"}};
  return g;
}

TEST_P(StoreContractTest, GroupIsCreatedReadAndListed) {
  auto created = store().CreateGroup(MakeGroup("eu", core::GroupKind::kDynamic),
                                     Audit("group.create", "group"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->created_at, kStart);
  auto got = store().GetGroup(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->name, "eu");
  EXPECT_EQ(got->description, "the eu");
  EXPECT_EQ(got->kind, core::GroupKind::kDynamic);
  EXPECT_EQ(got->filter, R"(labels.region = "eu")");
  EXPECT_EQ(got->labels, (core::Labels{{"team", "ops"}}));
  EXPECT_EQ(store().GetGroupByName("eu")->id, created->id);
  ASSERT_TRUE(store().CreateGroup(MakeGroup("us"), Audit("group.create", "group")));
  auto all = store().ListGroups();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).name, "eu");
  EXPECT_EQ(all->at(1).name, "us");
}

TEST_P(StoreContractTest, GroupNameIsUnique) {
  ASSERT_TRUE(store().CreateGroup(MakeGroup("eu"), Audit("group.create", "group")));
  EXPECT_EQ(store().CreateGroup(MakeGroup("eu"), Audit("group.create", "group")).error().code,
            ErrorCode::kAlreadyExists);
}

TEST_P(StoreContractTest, GroupUpdateIsVersionChecked) {
  auto g = store().CreateGroup(MakeGroup("eu"), Audit("group.create", "group"));
  ASSERT_TRUE(g);
  clock_.Advance(5);
  Group change = *g;
  change.description = "changed";
  change.labels = {{"team", "dev"}};
  auto updated = store().UpdateGroup(change, Audit("group.update", "group"));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->updated_at, kStart + 5);
  EXPECT_EQ(store().GetGroup(g->id)->labels, (core::Labels{{"team", "dev"}}));
  EXPECT_EQ(store().UpdateGroup(change, Audit("group.update", "group")).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(store().GetGroup(g->id)->description, "changed");
  Group ghost = change;
  ghost.id = 999;
  EXPECT_EQ(store().UpdateGroup(ghost, Audit("group.update", "group")).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, GroupDeleteRemovesItsMemberships) {
  core::Device d = Create("sensor-1");
  auto g = store().CreateGroup(MakeGroup("eu"), Audit("group.create", "group"));
  ASSERT_TRUE(g);
  ASSERT_TRUE(store().AddGroupMembers(g->id, {d.id}, Audit("group.members", "group")));
  ASSERT_TRUE(store().DeleteGroup(g->id, Audit("group.delete", "group")));
  EXPECT_EQ(store().GetGroup(g->id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().GroupsOfDevice(d.id)->empty());
  EXPECT_EQ(store().DeleteGroup(g->id, Audit("group.delete", "group")).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, MembersAreAddedIdempotentlyAndRemoved) {
  core::Device a = Create("a");
  core::Device b = Create("b");
  core::Device c = Create("c");
  auto g1 = store().CreateGroup(MakeGroup("g1"), Audit("group.create", "group"));
  auto g2 = store().CreateGroup(MakeGroup("g2"), Audit("group.create", "group"));
  ASSERT_TRUE(g1 && g2);
  ASSERT_TRUE(store().AddGroupMembers(g1->id, {a.id, b.id}, Audit("group.members", "group")));
  ASSERT_TRUE(store().AddGroupMembers(g1->id, {b.id, c.id}, Audit("group.members", "group")));
  ASSERT_TRUE(store().AddGroupMembers(g2->id, {a.id}, Audit("group.members", "group")));
  core::DeviceQuery q;
  q.static_group = g1->id;
  EXPECT_EQ(ListAllNames(q), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*store().GroupsOfDevice(a.id), (std::vector<core::GroupId>{g1->id, g2->id}));
  ASSERT_TRUE(store().RemoveGroupMembers(g1->id, {a.id, c.id}, Audit("group.members", "group")));
  EXPECT_EQ(ListAllNames(q), (std::vector<std::string>{"b"}));
  EXPECT_EQ(*store().GroupsOfDevice(a.id), (std::vector<core::GroupId>{g2->id}));
  EXPECT_EQ(store().GroupsOfDevice(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UnknownMemberIsNotFoundNamingTheFirstAndAddsNothing) {
  core::Device a = Create("a");
  auto g = store().CreateGroup(MakeGroup("g"), Audit("group.create", "group"));
  ASSERT_TRUE(g);
  const std::size_t audits = AuditCount();
  auto added = store().AddGroupMembers(g->id, {a.id, 777, 888}, Audit("group.members", "group"));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::kNotFound);
  EXPECT_NE(added.error().message.find("777"), std::string::npos) << added.error().message;
  EXPECT_TRUE(store().GroupsOfDevice(a.id)->empty());
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(store().RemoveGroupMembers(g->id, {777}, Audit("group.members")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().AddGroupMembers(999, {a.id}, Audit("group.members")).error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
