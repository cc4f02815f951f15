// Transitions stored in batches: a driver round's transitions share one transaction, a
// transition that is not stored is undone and not acted on; with a driver thread, reports are
// queued, and SyncReports waits until they are stored.
#include "fixture.h"

namespace custos::ops::testing {
namespace {

using core::OperationKind;
using core::OperationState;
using Strings = std::vector<std::string>;

TEST_F(EngineTest, ATransitionOfARoundThatIsNotStoredIsNeitherKeptNorActedOn) {
  auto other = CreateDevice("pump-2");
  deliverer_.SetReachable(other.id, true);
  auto a = Create(OperationKind::kReboot);
  OperationRequest r;
  r.device_id = other.id;
  r.kind = OperationKind::kReboot;
  auto b = CreateRequest(r);
  ASSERT_EQ(deliverer_.TakeSent().size(), 2u);
  Events();

  // Behind the engine's back, A ends in the store: the round's resend of A loses its
  // compare-and-set, B's goes through in the same transaction.
  core::Operation cancelled = Stored(a.id);
  cancelled.state = OperationState::kCancelled;
  ASSERT_TRUE(store_->UpdateOperation(cancelled, OperationState::kSent, std::nullopt));
  clock_.Advance(1'000);
  engine_->Poll();

  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, b.id);
  EXPECT_EQ(sent[0].attempts, 2);
  EXPECT_EQ(StateOf(a.id), "cancelled");
  EXPECT_EQ(Stored(b.id).attempts, 2);
  EXPECT_EQ(Events(), (Strings{"operation.updated sent"}));  // B's only

  // The engine took the store's word for A: it is not sent again.
  clock_.Advance(10'000);
  engine_->Poll();
  for (const auto& s : deliverer_.TakeSent()) EXPECT_NE(s.id, a.id);
  EXPECT_EQ(StateOf(a.id), "cancelled");
}

class EngineDriverTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    engine_.reset();
    options_.driver_thread = true;
    StartEngine();
  }
};

TEST_F(EngineDriverTest, ReportsAreStoredBySyncReports) {
  auto op = Create(OperationKind::kReboot);
  ASSERT_EQ(op.state, OperationState::kSent);
  engine_->OnDelivered(device_.id, op.id);
  engine_->OnProgress(device_.id, op.id, R"({"progress":50})");
  engine_->OnResult(device_.id, op.id, DeviceOutcome::kSucceeded, R"({"uptime":2})");
  engine_->SyncReports();
  auto done = Stored(op.id);
  EXPECT_EQ(done.state, OperationState::kSucceeded);
  EXPECT_EQ(done.result_json, R"({"uptime":2})");
  EXPECT_EQ(Events(), (Strings{"operation.created pending", "operation.updated sent",
                               "operation.updated sent", "operation.updated in_progress",
                               "operation.updated succeeded"}));
}

TEST_F(EngineDriverTest, AResultReportedJustBeforeTheStopIsStored) {
  auto op = Create(OperationKind::kReboot);
  engine_->OnResult(device_.id, op.id, DeviceOutcome::kFailed, R"({"message":"no"})");
  engine_->Stop();
  EXPECT_EQ(StateOf(op.id), "failed");
  engine_->SyncReports();  // returns after the stop too
}

TEST_F(EngineDriverTest, AContactReportedToTheDriverSendsWhatWaitedForIt) {
  deliverer_.SetReachable(device_.id, false);
  auto op = Create(OperationKind::kConfigure);
  EXPECT_EQ(StateOf(op.id), "waiting:offline");
  deliverer_.SetReachable(device_.id, true);
  engine_->OnContact(device_.id);
  engine_->SyncReports();
  EXPECT_EQ(StateOf(op.id), "sent");
  // Delivered by the driver once stored, a moment after SyncReports returns.
  std::vector<FakeDeliverer::Sent> sent;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sent.empty() && std::chrono::steady_clock::now() < deadline) {
    sent = deliverer_.TakeSent();
    std::this_thread::yield();
  }
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, op.id);
}

}  // namespace
}  // namespace custos::ops::testing
