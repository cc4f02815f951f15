// Store contract: remote operations (create, get, transitions guarded by the state they
// leave, listings with filters and cursors, the operations that are not final).
#include <set>

#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ErrorCode;
using core::Operation;
using core::OperationKind;
using core::OperationQuery;
using core::OperationState;

Operation NewOperation(core::DeviceId device, OperationKind kind = OperationKind::kReboot) {
  Operation op;
  op.device_id = device;
  op.kind = kind;
  op.parameters_json = R"({"delay_s":5})";
  op.requested_by = "tester";
  op.deadline = kStart + 60'000;
  return op;
}

TEST_P(StoreContractTest, OperationIsCreatedWithIdTimesAndAuditAndReadBack) {
  auto d = Create("pump-1");
  Operation op = NewOperation(d.id, OperationKind::kFirmwareUpdate);
  op.battery_threshold = 35;
  op.schedule_at = kStart + 5'000;
  op.campaign_id = 9;
  auto created = store().CreateOperation(op, Audit("operation.create", "operation"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->created_at, kStart);
  EXPECT_EQ(created->updated_at, kStart);
  Reopen();
  auto got = store().GetOperation(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->device_id, d.id);
  EXPECT_EQ(got->kind, OperationKind::kFirmwareUpdate);
  EXPECT_EQ(got->parameters_json, R"({"delay_s":5})");
  EXPECT_EQ(got->requested_by, "tester");
  EXPECT_EQ(got->state, OperationState::kPending);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->deadline, kStart + 60'000);
  EXPECT_EQ(got->schedule_at, kStart + 5'000);
  EXPECT_FALSE(got->next_attempt_at);
  EXPECT_EQ(got->battery_threshold, 35);
  EXPECT_EQ(got->campaign_id, 9);
  EXPECT_EQ(got->result_json, "{}");

  core::AuditQuery q;
  q.target_type = "operation";
  auto audit = store().ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].target_id, std::to_string(created->id));
  EXPECT_EQ((*audit)[0].action, "operation.create");
}

TEST_P(StoreContractTest, OperationForUnknownDeviceIsNotFound) {
  auto created = store().CreateOperation(NewOperation(999), Audit("operation.create"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().GetOperation(12345).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OperationTransitionIsStoredOnlyFromTheExpectedState) {
  auto d = Create("pump-1");
  auto op = *store().CreateOperation(NewOperation(d.id), Audit("operation.create"));
  clock_.Advance(10);
  op.state = OperationState::kSent;
  op.attempts = 1;
  op.next_attempt_at = kStart + 1'000;
  op.result_json = R"({"note":"x"})";
  auto sent = store().UpdateOperation(op, OperationState::kPending, std::nullopt);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->state, OperationState::kSent);
  EXPECT_EQ(sent->attempts, 1);
  EXPECT_EQ(sent->next_attempt_at, kStart + 1'000);
  EXPECT_EQ(sent->updated_at, kStart + 10);
  EXPECT_EQ(sent->created_at, kStart);

  // A second writer that still believes it pending loses.
  Operation stale = op;
  stale.state = OperationState::kCancelled;
  auto lost = store().UpdateOperation(stale, OperationState::kPending, std::nullopt);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store().GetOperation(op.id)->state, OperationState::kSent);

  // The same state may be written again (an attempt more, a delivery acknowledged).
  op.next_attempt_at.reset();
  auto acked = store().UpdateOperation(op, OperationState::kSent, std::nullopt);
  ASSERT_TRUE(acked) << acked.error().message;
  EXPECT_FALSE(acked->next_attempt_at);

  op.state = OperationState::kCancelled;
  auto cancelled =
      store().UpdateOperation(op, OperationState::kSent, Audit("operation.cancel", "operation"));
  ASSERT_TRUE(cancelled);
  core::AuditQuery q;
  q.action_prefix = "operation.cancel";
  auto audit = store().ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].target_id, std::to_string(op.id));

  Operation missing = op;
  missing.id = 4242;
  EXPECT_EQ(store().UpdateOperation(missing, OperationState::kCancelled, std::nullopt).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OperationWaitingForIsStored) {
  auto d = Create("pump-1");
  auto op = *store().CreateOperation(NewOperation(d.id), Audit("operation.create"));
  op.state = OperationState::kWaiting;
  op.waiting_for = "battery";
  ASSERT_TRUE(store().UpdateOperation(op, OperationState::kPending, std::nullopt));
  Reopen();
  auto got = store().GetOperation(op.id);
  EXPECT_EQ(got->state, OperationState::kWaiting);
  EXPECT_EQ(got->waiting_for, "battery");
}

TEST_P(StoreContractTest, OperationsAreListedByFilterWithCursorPages) {
  auto a = Create("pump-1");
  auto b = Create("pump-2");
  std::vector<std::int64_t> of_a;
  for (int i = 0; i < 5; ++i) {
    auto kind = i % 2 == 0 ? OperationKind::kReboot : OperationKind::kConfigure;
    Operation op = NewOperation(i < 3 ? a.id : b.id, kind);
    if (i == 4) op.campaign_id = 3;
    auto created = store().CreateOperation(op, Audit("operation.create"));
    ASSERT_TRUE(created);
    if (i < 3) of_a.push_back(created->id);
  }
  // Operation 2 of device a is sent.
  auto second = *store().GetOperation(of_a[1]);
  second.state = OperationState::kSent;
  ASSERT_TRUE(store().UpdateOperation(second, OperationState::kPending, std::nullopt));

  OperationQuery q;
  q.device_id = a.id;
  q.limit = 2;
  auto first = store().ListOperations(q);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->operations.size(), 2u);
  EXPECT_EQ(first->operations[0].id, of_a[0]);
  EXPECT_EQ(first->operations[1].id, of_a[1]);
  ASSERT_FALSE(first->next_cursor.empty());
  q.after = first->next_cursor;
  auto rest = store().ListOperations(q);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->operations.size(), 1u);
  EXPECT_EQ(rest->operations[0].id, of_a[2]);
  EXPECT_TRUE(rest->next_cursor.empty());

  OperationQuery by_state;
  by_state.state = OperationState::kSent;
  EXPECT_EQ(store().ListOperations(by_state)->operations.size(), 1u);
  OperationQuery by_kind;
  by_kind.kind = OperationKind::kConfigure;
  EXPECT_EQ(store().ListOperations(by_kind)->operations.size(), 2u);
  OperationQuery by_campaign;
  by_campaign.campaign_id = 3;
  auto in_campaign = store().ListOperations(by_campaign);
  ASSERT_EQ(in_campaign->operations.size(), 1u);
  EXPECT_EQ(in_campaign->operations[0].device_id, b.id);
  OperationQuery both;
  both.device_id = b.id;
  both.kind = OperationKind::kReboot;
  EXPECT_EQ(store().ListOperations(both)->operations.size(), 1u);
  OperationQuery all;
  EXPECT_EQ(store().ListOperations(all)->operations.size(), 5u);

  OperationQuery bad;
  bad.after = "not a cursor";
  EXPECT_EQ(store().ListOperations(bad).error().code, ErrorCode::kInvalidArgument);
  bad.after = "";
  bad.limit = 0;
  EXPECT_EQ(store().ListOperations(bad).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, UnfinishedOperationsAreTheOnesNotFinal) {
  auto d = Create("pump-1");
  std::set<std::int64_t> unfinished;
  const OperationState states[] = {OperationState::kPending,    OperationState::kScheduled,
                                   OperationState::kWaiting,    OperationState::kSent,
                                   OperationState::kInProgress, OperationState::kSucceeded,
                                   OperationState::kFailed,     OperationState::kTimedOut,
                                   OperationState::kCancelled,  OperationState::kRejected};
  for (OperationState state : states) {
    auto op = *store().CreateOperation(NewOperation(d.id), Audit("operation.create"));
    if (state != OperationState::kPending) {
      op.state = state;
      ASSERT_TRUE(store().UpdateOperation(op, OperationState::kPending, std::nullopt));
    }
    if (!core::IsFinal(state)) unfinished.insert(op.id);
  }
  Reopen();
  auto loaded = store().ListUnfinishedOperations();
  ASSERT_TRUE(loaded) << loaded.error().message;
  std::set<std::int64_t> ids;
  for (const auto& op : *loaded) ids.insert(op.id);
  EXPECT_EQ(ids, unfinished);
}

TEST_P(StoreContractTest, OperationsGoWithTheirDevice) {
  auto d = Create("pump-1");
  auto op = *store().CreateOperation(NewOperation(d.id), Audit("operation.create"));
  ASSERT_TRUE(store().DeleteDevice(d.id, Audit("device.delete")));
  EXPECT_EQ(store().GetOperation(op.id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
