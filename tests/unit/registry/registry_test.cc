#include "fixture.h"

namespace custos::core {
namespace {

using RegistryTest = RegistryFixture;

TEST_F(RegistryTest, CreateStoresAuditsCountsAndPublishes) {
  auto d = registry_->CreateDevice(operator_, NewDevice("a-1"));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_GT(d->id, 0);
  EXPECT_EQ(d->state, LifecycleState::kProvisioned);
  EXPECT_EQ(d->created_at, clock_.Now());
  EXPECT_EQ(registry_->fleet().CountByState().at(LifecycleState::kProvisioned), 1);
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"device.created"});
  AuditQuery q;
  q.target_type = "device";
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "device.create");
  EXPECT_EQ((*audit)[0].actor, "ops");
  EXPECT_EQ((*audit)[0].target_id, std::to_string(d->id));
}

TEST_F(RegistryTest, ViewerCannotWrite) {
  auto d = registry_->CreateDevice(viewer_, NewDevice("v-1"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(EventTypes().empty());
}

TEST_F(RegistryTest, DuplicateNameIsAlreadyExistsAndLeavesNoTrace) {
  ASSERT_TRUE(registry_->CreateDevice(operator_, NewDevice("dup")));
  EventTypes();
  auto again = registry_->CreateDevice(operator_, NewDevice("dup"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(EventTypes().empty());
  AuditQuery q;
  EXPECT_EQ(store_->ListAudit(q)->size(), 1u) << "a failed change writes no audit entry";
}

TEST_F(RegistryTest, LifecycleRules) {
  auto d = *registry_->CreateDevice(operator_, NewDevice("life"));
  EXPECT_EQ(registry_->EnableDevice(operator_, d.id, "").error().code,
            ErrorCode::kFailedPrecondition)
      << "only a disabled device can be enabled";
  auto disabled = registry_->DisableDevice(operator_, d.id, "stolen");
  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->state, LifecycleState::kDisabled);
  EXPECT_EQ(registry_->DisableDevice(operator_, d.id, "").error().code,
            ErrorCode::kFailedPrecondition);
  auto enabled = registry_->EnableDevice(operator_, d.id, "found");
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->state, LifecycleState::kProvisioned) << "never seen: back to provisioned";

  auto cred = registry_->AddCredential(operator_, d.id, Credential{0, 0, "psk", "", "", 0, {}});
  ASSERT_TRUE(cred) << cred.error().message;
  EXPECT_EQ(cred->credential.identity, "life") << "identity defaults to the device name";
  EXPECT_EQ(cred->plaintext.size(), 32u);

  auto retired = registry_->RetireDevice(operator_, d.id, "end of life");
  ASSERT_TRUE(retired);
  EXPECT_EQ(retired->state, LifecycleState::kRetired);
  auto creds = registry_->ListCredentials(d.id);
  ASSERT_TRUE(creds);
  ASSERT_EQ(creds->size(), 1u);
  EXPECT_TRUE((*creds)[0].revoked_at.has_value());
  EXPECT_FALSE(store_->FindCredential("psk", "life")) << "revoked credentials do not match";

  for (auto r : {registry_->EnableDevice(operator_, d.id, ""),
                 registry_->DisableDevice(operator_, d.id, ""),
                 registry_->RetireDevice(operator_, d.id, "")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  }
  DevicePatch p;
  p.model = "new";
  EXPECT_EQ(registry_->UpdateDevice(operator_, d.id, p).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(registry_->AddCredential(operator_, d.id, Credential{0, 0, "psk", "x", "", 0, {}})
                .error()
                .code,
            ErrorCode::kFailedPrecondition);
  auto counts = registry_->fleet().CountByState();
  EXPECT_EQ(counts.at(LifecycleState::kRetired), 1);
  EXPECT_EQ(counts.at(LifecycleState::kProvisioned), 0);
}

TEST_F(RegistryTest, UpdateMergesLabelsAndChecksVersion) {
  Device d = NewDevice("upd");
  d.labels = {{"a", "1"}, {"b", "2"}};
  auto created = *registry_->CreateDevice(operator_, d);
  DevicePatch p;
  p.labels_set = {{"c", "3"}};
  p.labels_remove = {"a"};
  p.firmware_version = "1.2.3";
  auto updated = registry_->UpdateDevice(operator_, created.id, p);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->labels, (Labels{{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(updated->identity.firmware_version, "1.2.3");
  EXPECT_EQ(updated->version, created.version + 1);

  DevicePatch stale;
  stale.model = "m";
  stale.expected_version = created.version;
  auto conflict = registry_->UpdateDevice(operator_, created.id, stale);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);

  DevicePatch bad;
  bad.labels_set = {{"bad key", "x"}};
  EXPECT_EQ(registry_->UpdateDevice(operator_, created.id, bad).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(RegistryTest, ImportReportsEveryRowInOrder) {
  ASSERT_TRUE(registry_->CreateDevice(operator_, NewDevice("exists")));
  std::vector<Device> rows = {NewDevice("ok-1"), NewDevice("bad name"), NewDevice("exists"),
                              NewDevice("ok-2")};
  auto results = registry_->ImportDevices(operator_, rows, 10, ConflictPolicy::kFail);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 4u);
  EXPECT_TRUE((*results)[0].accepted);
  EXPECT_EQ((*results)[0].row, 10u);
  EXPECT_FALSE((*results)[1].accepted);
  EXPECT_EQ((*results)[1].row, 11u);
  EXPECT_NE((*results)[1].error.find("not allowed"), std::string::npos);
  EXPECT_FALSE((*results)[2].accepted);
  EXPECT_EQ((*results)[2].code, ErrorCode::kAlreadyExists);
  EXPECT_EQ((*results)[2].row, 12u);
  EXPECT_TRUE((*results)[3].accepted);
  EXPECT_EQ((*results)[3].row, 13u);
  EXPECT_TRUE(registry_->GetDeviceByName("ok-2"));
  EXPECT_EQ(registry_->fleet().Size(), 3u);
}

TEST_F(RegistryTest, ImportedDevicesCountInTheStateTheyWereStoredWith) {
  Device active = NewDevice("imported-active");
  active.state = LifecycleState::kActive;
  auto results = registry_->ImportDevices(operator_, {active, NewDevice("imported-new")}, 0,
                                          ConflictPolicy::kFail);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(registry_->fleet().Get((*results)[0].id)->state, LifecycleState::kActive);
  EXPECT_EQ(registry_->fleet().Get((*results)[1].id)->state, LifecycleState::kProvisioned);
}

TEST_F(RegistryTest, ListValidatesFilterSortAndLimit) {
  for (const char* n : {"l-1", "l-2", "l-3"}) ASSERT_TRUE(registry_->CreateDevice(operator_, NewDevice(n)));
  ListDevicesRequest r;
  r.filter = "name ~ \"l-*\" and colour = 1";
  auto bad = registry_->ListDevices(r);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().position, 17u);
  r.filter = "";
  r.sort = "colour";
  EXPECT_FALSE(registry_->ListDevices(r));
  r.sort = "-name";
  r.limit = 2;
  auto page = registry_->ListDevices(r);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->devices.size(), 2u);
  EXPECT_EQ(page->devices[0].name, "l-3");
  EXPECT_FALSE(page->next_cursor.empty());
  r.limit = 0;
  EXPECT_FALSE(registry_->ListDevices(r));
}

TEST_F(RegistryTest, GroupsStaticAndDynamic) {
  Device eu = NewDevice("g-eu");
  eu.labels = {{"region", "eu"}};
  auto a = *registry_->CreateDevice(operator_, eu);
  auto b = *registry_->CreateDevice(operator_, NewDevice("g-none"));
  Group dyn;
  dyn.name = "eu";
  dyn.kind = GroupKind::kDynamic;
  dyn.filter = "labels.region = \"eu\"";
  auto g = registry_->CreateGroup(operator_, dyn);
  ASSERT_TRUE(g) << g.error().message;
  ListDevicesRequest r;
  r.group = g->id;
  auto members = registry_->ListDevices(r);
  ASSERT_TRUE(members);
  ASSERT_EQ(members->devices.size(), 1u);
  EXPECT_EQ(members->devices[0].id, a.id);
  EXPECT_EQ(registry_->AddGroupMembers(operator_, g->id, {b.id}).error().code,
            ErrorCode::kFailedPrecondition);

  Group st;
  st.name = "picked";
  auto s = *registry_->CreateGroup(operator_, st);
  ASSERT_TRUE(registry_->AddGroupMembers(operator_, s.id, {b.id}));
  r.group = s.id;
  members = registry_->ListDevices(r);
  ASSERT_EQ(members->devices.size(), 1u);
  EXPECT_EQ(members->devices[0].id, b.id);
  EXPECT_EQ(registry_->AddGroupMembers(operator_, s.id, {999999}).error().code,
            ErrorCode::kNotFound);

  Group bad;
  bad.name = "bad";
  bad.kind = GroupKind::kDynamic;
  bad.filter = "nope ==";
  EXPECT_EQ(registry_->CreateGroup(operator_, bad).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(RegistryTest, ConnectivityFlipsPublishAndFlush) {
  auto d = *registry_->CreateDevice(operator_, NewDevice("c-1"));
  EventTypes();
  Connectivity c;
  c.online = true;
  c.last_seen = clock_.Now();
  c.address = "127.0.0.1:5683";
  registry_->ReportConnectivity(d.id, c);
  registry_->ReportConnectivity(d.id, c);  // no flip, no event
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"device.online"});
  EXPECT_EQ(registry_->fleet().OnlineCount(), 1);
  ASSERT_TRUE(registry_->FlushConnectivity());
  auto stored = registry_->GetDevice(d.id);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->connectivity.online);
  EXPECT_EQ(stored->connectivity.address, "127.0.0.1:5683");
}

TEST_F(RegistryTest, FleetStateSurvivesReload) {
  auto d = *registry_->CreateDevice(operator_, NewDevice("r-1"));
  ASSERT_TRUE(registry_->DisableDevice(operator_, d.id, ""));
  Registry fresh(*store_, *events_, clock_);
  ASSERT_TRUE(fresh.Load());
  EXPECT_EQ(fresh.fleet().CountByState().at(LifecycleState::kDisabled), 1);
}

TEST_F(RegistryTest, ConnectivityReportedBeforeTheFleetStateKnowsTheDeviceIsKept) {
  // The device is in the store but not in this registry's fleet state: as between an
  // auto-provisioning import's commit and its fleet update.
  auto d = *registry_->CreateDevice(operator_, NewDevice("early"));
  Registry other(*store_, *events_, clock_);
  Connectivity c;
  c.online = true;
  c.address = "127.0.0.1:5683";
  c.transport = "coap";
  other.ReportConnectivity(d.id, c);
  EXPECT_EQ(other.fleet().OnlineCount(), 1) << "not dropped";
  ASSERT_TRUE(other.FlushConnectivity());
  EXPECT_TRUE(store_->GetDevice(d.id)->connectivity.online);
}

}  // namespace
}  // namespace custos::core
