// The maintenance_window guard (windows of the device's static and dynamic groups and the
// operation's own, where it stands among the guards, waking when a window opens) and bulk
// requests over a group or a filter. The fake clock starts on 2023-11-14 at 22:13:20 UTC, so a
// window "0 23 * * *" (UTC) opens 2,800 s later.
#include "fixture.h"

namespace custos::ops::testing {
namespace {

using core::OperationKind;
using core::OperationState;

constexpr core::TimeMs kOpens = kStart + 2'800'000;

class WindowsTest : public EngineTest {
 protected:
  core::MaintenanceWindowId NewWindow(std::string cron = "0 23 * * *",
                                      std::int64_t duration_s = 1800) {
    core::MaintenanceWindow w;
    w.name = "window-" + std::to_string(++windows_);
    w.cron = std::move(cron);
    w.duration_s = duration_s;
    w.time_zone = "UTC";
    auto created = store_->CreateMaintenanceWindow(w, Audit());
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->id : 0;
  }

  core::GroupId NewGroup(std::vector<core::DeviceId> members, std::string filter = "") {
    core::Group g;
    g.name = "group-" + std::to_string(++groups_);
    g.kind = filter.empty() ? core::GroupKind::kStatic : core::GroupKind::kDynamic;
    g.filter = std::move(filter);
    auto created = registry_->CreateGroup(operator_, g);
    EXPECT_TRUE(created) << created.error().message;
    if (!members.empty()) EXPECT_TRUE(registry_->AddGroupMembers(operator_, created->id, members));
    return created->id;
  }

  void Attach(core::GroupId group, core::MaintenanceWindowId window) {
    ASSERT_TRUE(store_->AttachMaintenanceWindow(group, window, Audit()));
    engine_->MaintenanceWindowsChanged();
  }

  static core::AuditEntry Audit() {
    core::AuditEntry a;
    a.actor = "tester";
    a.action = "test";
    return a;
  }

  int windows_ = 0;
  int groups_ = 0;
  core::Actor admin_{2, "root", core::Role::kAdmin};
};

TEST_F(WindowsTest, GroupWindowHoldsAnOperationUntilItOpens) {
  Attach(NewGroup({device_.id}), NewWindow());
  auto reboot = Create(OperationKind::kReboot);
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  clock_.Set(kOpens - 1000);
  engine_->Poll();
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  clock_.Set(kOpens);
  engine_->Poll();
  EXPECT_EQ(StateOf(reboot.id), "sent");
  EXPECT_EQ(deliverer_.TakeSent().size(), 1u);
}

TEST_F(WindowsTest, InsideAnOpenWindowTheOperationGoesAtOnce) {
  Attach(NewGroup({device_.id}), NewWindow("0 22 * * *", 3600));  // 22:00-23:00 UTC
  EXPECT_EQ(StateOf(Create(OperationKind::kReboot).id), "sent");
}

TEST_F(WindowsTest, DynamicGroupWindowAppliesToTheDevicesItsFilterMatches) {
  Attach(NewGroup({}, R"(name = "pump-1")"), NewWindow());
  auto other = CreateDevice("valve-1");
  deliverer_.SetReachable(other.id, true);
  auto held = Create(OperationKind::kConfigure);
  OperationRequest free;
  free.device_id = other.id;
  free.kind = OperationKind::kReboot;
  auto free_op = CreateRequest(free);
  EXPECT_EQ(StateOf(held.id), "waiting:maintenance_window");
  EXPECT_EQ(StateOf(free_op.id), "sent");
}

TEST_F(WindowsTest, EnableAndDisableAreNotHeld) {
  Attach(NewGroup({device_.id}), NewWindow());
  EXPECT_EQ(StateOf(Create(OperationKind::kDisable).id), "succeeded");
}

TEST_F(WindowsTest, OperationWindowIdsHoldItAndAnAdminMayIgnoreEveryWindow) {
  const auto window = NewWindow();
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kReboot;
  r.window_ids = {window};
  auto held = CreateRequest(r);
  EXPECT_EQ(StateOf(held.id), "waiting:maintenance_window");
  EXPECT_EQ(Stored(held.id).window_ids, std::vector<std::int64_t>{window});

  r.window_ids = {window + 100};
  auto unknown = engine_->Create(operator_, r);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kInvalidArgument);

  r.kind = OperationKind::kConfigure;
  r.window_ids = {window};
  r.ignore_maintenance_windows = true;
  auto refused = engine_->Create(operator_, r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
  auto ignoring = engine_->Create(admin_, r);
  ASSERT_TRUE(ignoring) << ignoring.error().message;
  EXPECT_EQ(StateOf(ignoring->id), "sent");
}

TEST_F(WindowsTest, WindowComesAfterBatteryAndBeforeOffline) {
  Attach(NewGroup({device_.id}), NewWindow());
  ReportBattery(device_.id, 5);
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kFirmwareUpdate;
  r.timeout_ms = 48 * 3600'000LL;  // past the next day's window
  auto update = CreateRequest(r);
  EXPECT_EQ(StateOf(update.id), "waiting:battery");
  ReportBattery(device_.id, 90);
  engine_->Poll();
  EXPECT_EQ(StateOf(update.id), "waiting:maintenance_window");
  deliverer_.SetReachable(device_.id, false);
  clock_.Set(kOpens + 60'000);
  engine_->Poll();
  EXPECT_EQ(StateOf(update.id), "waiting:offline");
  // The device comes back after the window closed: held again until the next one.
  clock_.Set(kOpens + 1800'000);
  deliverer_.SetReachable(device_.id, true);
  engine_->OnContact(device_.id);
  EXPECT_EQ(StateOf(update.id), "waiting:maintenance_window");
  clock_.Set(kOpens + 24 * 3600'000LL);
  engine_->Poll();
  EXPECT_EQ(StateOf(update.id), "sent");
}

TEST_F(WindowsTest, SentInsideAWindowButNotTakenWaitsForTheNextOneInsteadOfGoingOutLate) {
  Attach(NewGroup({device_.id}), NewWindow());
  OperationRequest r;
  r.device_id = device_.id;
  r.kind = OperationKind::kReboot;
  r.timeout_ms = 48 * 3600'000LL;
  auto reboot = CreateRequest(r);
  clock_.Set(kOpens + 60'000);
  engine_->Poll();
  ASSERT_EQ(StateOf(reboot.id), "sent");
  EXPECT_EQ(deliverer_.TakeSent().size(), 1u);
  // Not taken: the device went away before answering, and comes back after the window.
  engine_->OnUndelivered(device_.id, reboot.id,
                         core::Error{core::ErrorCode::kUnavailable, "no answer", {}});
  clock_.Set(kOpens + 1800'000 + 1);
  engine_->OnContact(device_.id);
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  EXPECT_TRUE(deliverer_.TakeSent().empty()) << "not re-sent outside the window";
  clock_.Set(kOpens + 24 * 3600'000LL);
  engine_->Poll();
  EXPECT_EQ(StateOf(reboot.id), "sent");
  auto again = deliverer_.TakeSent();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, reboot.id) << "the same operation, its device-facing id unchanged";
  EXPECT_EQ(again[0].attempts, 2);
}

TEST_F(WindowsTest, AttachingAWindowHoldsWhatWaitsAndDetachingReleasesIt) {
  deliverer_.SetReachable(device_.id, false);
  auto reboot = Create(OperationKind::kReboot);
  EXPECT_EQ(StateOf(reboot.id), "waiting:offline");
  const auto group = NewGroup({device_.id});
  const auto window = NewWindow();
  Attach(group, window);
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  deliverer_.SetReachable(device_.id, true);
  ASSERT_TRUE(store_->DetachMaintenanceWindow(group, window, Audit()));
  engine_->MaintenanceWindowsChanged();
  EXPECT_EQ(StateOf(reboot.id), "sent");
}

TEST_F(WindowsTest, HeldOperationOpensAfterARestart) {
  Attach(NewGroup({device_.id}), NewWindow());
  auto reboot = Create(OperationKind::kReboot);
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  Restart();
  EXPECT_EQ(StateOf(reboot.id), "waiting:maintenance_window");
  clock_.Set(kOpens + 1);
  engine_->Poll();
  EXPECT_EQ(StateOf(reboot.id), "sent");
}

TEST_F(WindowsTest, BulkOverAGroupCreatesOnePerDeviceAndCountsTheSkipped) {
  std::vector<core::DeviceId> members{device_.id};
  for (int i = 2; i <= 4; ++i) {
    members.push_back(CreateDevice("pump-" + std::to_string(i)).id);
    deliverer_.SetReachable(members.back(), true);
  }
  members.push_back(CreateDevice("sensor-1", "lwm2m").id);  // no deliverer for lwm2m here
  auto retired = CreateDevice("pump-9");
  ASSERT_TRUE(registry_->RetireDevice(operator_, retired.id, "gone"));
  members.push_back(retired.id);
  const auto group = NewGroup(members);

  OperationRequest r;
  r.kind = OperationKind::kReboot;
  auto dry = engine_->CreateBulk(operator_, BulkSelector{group, ""}, r, true);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_EQ(dry->selected, 6);
  EXPECT_EQ(dry->created, 4);
  EXPECT_EQ(dry->skipped.at("retired"), 1);
  EXPECT_EQ(dry->skipped.at("unsupported_kind"), 1);
  core::OperationQuery all;
  EXPECT_TRUE(store_->ListOperations(all)->operations.empty());

  Attach(group, NewWindow());
  auto bulk = engine_->CreateBulk(operator_, BulkSelector{group, ""}, r, false);
  ASSERT_TRUE(bulk) << bulk.error().message;
  EXPECT_EQ(bulk->created, 4);
  auto ops = store_->ListOperations(all)->operations;
  ASSERT_EQ(ops.size(), 4u);
  engine_->Poll();
  for (const auto& op : ops) EXPECT_EQ(StateOf(op.id), "waiting:maintenance_window");
  clock_.Set(kOpens);
  engine_->Poll();
  for (const auto& op : ops) EXPECT_EQ(StateOf(op.id), "sent");
  EXPECT_EQ(deliverer_.TakeSent().size(), 4u);
}

TEST_F(WindowsTest, BulkOverAFilterAndItsRefusals) {
  CreateDevice("pump-2");
  CreateDevice("valve-1");
  OperationRequest r;
  r.kind = OperationKind::kConfigure;
  auto bulk = engine_->CreateBulk(operator_, BulkSelector{std::nullopt, R"(name ~ "pump-*")"}, r,
                                  false);
  ASSERT_TRUE(bulk) << bulk.error().message;
  EXPECT_EQ(bulk->created, 2);
  EXPECT_TRUE(bulk->skipped.empty());

  auto both = engine_->CreateBulk(operator_, BulkSelector{1, "name = \"x\""}, r, false);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, core::ErrorCode::kInvalidArgument);
  auto bad_filter = engine_->CreateBulk(operator_, BulkSelector{std::nullopt, "colour = 1"}, r,
                                        false);
  ASSERT_FALSE(bad_filter);
  EXPECT_EQ(bad_filter.error().code, core::ErrorCode::kInvalidArgument);
  auto no_group = engine_->CreateBulk(operator_, BulkSelector{999, ""}, r, false);
  ASSERT_FALSE(no_group);
  EXPECT_EQ(no_group.error().code, core::ErrorCode::kNotFound);
}

TEST_F(WindowsTest, CreateManyStoresInBatchesAnswersEachRequestAndTheDriverTakesThemUp) {
  const auto second = CreateDevice("pump-2");
  deliverer_.SetReachable(second.id, true);
  auto retired = CreateDevice("pump-9");
  ASSERT_TRUE(registry_->RetireDevice(operator_, retired.id, "gone"));
  const auto window = NewWindow();
  std::vector<OperationRequest> requests(5);
  for (auto& r : requests) r.kind = OperationKind::kReboot;
  requests[0].device_id = device_.id;
  requests[1].device_id = second.id;
  requests[1].window_ids = {window};
  requests[2].device_id = retired.id;
  requests[3].device_id = 999;
  requests[4].device_id = device_.id;
  requests[4].parameters_json = "[1]";
  auto created = engine_->CreateMany(operator_, requests);
  ASSERT_EQ(created.size(), 5u);
  ASSERT_TRUE(created[0]) << created[0].error().message;
  ASSERT_TRUE(created[1]) << created[1].error().message;
  EXPECT_EQ(created[0]->state, OperationState::kPending) << "stepped by the driver, not here";
  EXPECT_EQ(created[1]->window_ids, std::vector<std::int64_t>{window});
  ASSERT_FALSE(created[2]);
  EXPECT_EQ(created[2].error().code, core::ErrorCode::kFailedPrecondition);
  ASSERT_FALSE(created[3]);
  EXPECT_EQ(created[3].error().code, core::ErrorCode::kNotFound);
  ASSERT_FALSE(created[4]);
  EXPECT_EQ(created[4].error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  engine_->Poll();
  EXPECT_EQ(StateOf(created[0]->id), "sent");
  EXPECT_EQ(StateOf(created[1]->id), "waiting:maintenance_window");
  core::AuditQuery audit;
  audit.action_prefix = "operation.create";
  auto entries = store_->ListAudit(audit);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u) << "one entry for the batch";
  EXPECT_NE((*entries)[0].details_json.find(R"("count":2)"), std::string::npos);
}

}  // namespace
}  // namespace custos::ops::testing
