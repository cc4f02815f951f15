// Store contract: maintenance windows (create, read, versioned update, delete refused while
// attached), their attachment to groups, operations that name windows, and operations
// created in bulk.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ErrorCode;
using core::MaintenanceWindow;

MaintenanceWindow NewWindow(std::string name) {
  MaintenanceWindow w;
  w.name = std::move(name);
  w.description = "nightly";
  w.cron = "0 2 * * 1-5";
  w.duration_s = 7200;
  w.time_zone = "Europe/Berlin";
  return w;
}

TEST_P(StoreContractTest, MaintenanceWindowIsCreatedReadBackUpdatedAndDeleted) {
  auto created = store().CreateMaintenanceWindow(NewWindow("night"),
                                                 Audit("window.create", "maintenance_window"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->created_at, kStart);
  auto taken = store().CreateMaintenanceWindow(NewWindow("night"), Audit("window.create"));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);

  Reopen();
  auto got = store().GetMaintenanceWindow(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->name, "night");
  EXPECT_EQ(got->description, "nightly");
  EXPECT_EQ(got->cron, "0 2 * * 1-5");
  EXPECT_EQ(got->duration_s, 7200);
  EXPECT_EQ(got->time_zone, "Europe/Berlin");

  MaintenanceWindow changed = *got;
  changed.cron = "30 1 * * *";
  clock_.Advance(1000);
  auto updated = store().UpdateMaintenanceWindow(changed, Audit("window.update"));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->updated_at, kStart + 1000);
  auto stale = store().UpdateMaintenanceWindow(changed, Audit("window.update"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store().GetMaintenanceWindow(created->id)->cron, "30 1 * * *");

  auto listed = store().ListMaintenanceWindows();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE(store().DeleteMaintenanceWindow(created->id, Audit("window.delete")));
  EXPECT_EQ(store().GetMaintenanceWindow(created->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().DeleteMaintenanceWindow(created->id, Audit("window.delete")).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, MaintenanceWindowAttachesToGroupsAndBlocksItsDeletion) {
  auto window = store().CreateMaintenanceWindow(NewWindow("night"), Audit("window.create"));
  auto group = store().CreateGroup(NewGroup("pumps"), Audit("group.create", "group"));
  auto other = store().CreateGroup(NewGroup("valves"), Audit("group.create", "group"));
  ASSERT_TRUE(window && group && other);
  ASSERT_TRUE(store().AttachMaintenanceWindow(group->id, window->id, Audit("window.attach")));
  ASSERT_TRUE(store().AttachMaintenanceWindow(group->id, window->id, Audit("window.attach")));
  ASSERT_TRUE(store().AttachMaintenanceWindow(other->id, window->id, Audit("window.attach")));
  EXPECT_EQ(store().AttachMaintenanceWindow(999, window->id, Audit("x")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().AttachMaintenanceWindow(group->id, 999, Audit("x")).error().code,
            ErrorCode::kNotFound);
  Reopen();
  auto attachments = store().ListWindowAttachments();
  ASSERT_TRUE(attachments) << attachments.error().message;
  ASSERT_EQ(attachments->size(), 2u);
  EXPECT_EQ((*attachments)[0].group_id, group->id);
  EXPECT_EQ((*attachments)[0].window_id, window->id);

  EXPECT_EQ(store().DeleteMaintenanceWindow(window->id, Audit("window.delete")).error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(store().DetachMaintenanceWindow(group->id, window->id, Audit("window.detach")));
  EXPECT_EQ(store().DetachMaintenanceWindow(group->id, window->id, Audit("x")).error().code,
            ErrorCode::kNotFound);
  // A group's attachments go with the group.
  ASSERT_TRUE(store().DeleteGroup(other->id, Audit("group.delete")));
  EXPECT_TRUE(store().ListWindowAttachments()->empty());
  EXPECT_TRUE(store().DeleteMaintenanceWindow(window->id, Audit("window.delete")));
}

TEST_P(StoreContractTest, OperationKeepsItsWindowIdsAndIgnoreFlag) {
  auto d = Create("pump-1");
  core::Operation op;
  op.device_id = d.id;
  op.window_ids = {4, 17};
  op.ignore_maintenance_windows = true;
  auto created = store().CreateOperation(op, Audit("operation.create", "operation"));
  ASSERT_TRUE(created) << created.error().message;
  Reopen();
  auto got = store().GetOperation(created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->window_ids, (std::vector<std::int64_t>{4, 17}));
  EXPECT_TRUE(got->ignore_maintenance_windows);
  core::Operation plain;
  plain.device_id = d.id;
  auto second = store().CreateOperation(plain, Audit("operation.create", "operation"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(store().GetOperation(second->id)->window_ids.empty());
  EXPECT_FALSE(store().GetOperation(second->id)->ignore_maintenance_windows);
}

TEST_P(StoreContractTest, OperationsAreCreatedInBulkSkippingUnknownDevices) {
  std::vector<core::Operation> ops;
  std::vector<core::DeviceId> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(Create("pump-" + std::to_string(i)).id);
    core::Operation op;
    op.device_id = ids.back();
    op.window_ids = {3};
    ops.push_back(op);
  }
  core::Operation unknown;
  unknown.device_id = 99'999;
  ops.insert(ops.begin() + 10, unknown);
  const std::size_t audit_before = AuditCount();
  auto created = store().CreateOperations(ops, Audit("operation.bulk", "operation"));
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_EQ(created->size(), 50u);
  EXPECT_EQ(AuditCount(), audit_before + 1);
  for (std::size_t i = 0; i < created->size(); ++i) {
    EXPECT_EQ((*created)[i].device_id, ids[i]);
    EXPECT_GT((*created)[i].id, 0);
    EXPECT_EQ((*created)[i].created_at, kStart);
  }
  Reopen();
  auto got = store().GetOperation(created->back().id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->window_ids, std::vector<std::int64_t>{3});
  auto unfinished = store().ListUnfinishedOperations();
  ASSERT_TRUE(unfinished);
  EXPECT_EQ(unfinished->size(), 50u);
}

}  // namespace
}  // namespace custos::store::contract
