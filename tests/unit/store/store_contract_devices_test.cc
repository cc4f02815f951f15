// Store contract: creating, reading, replacing and deleting devices; connectivity write-behind.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Device;
using core::ErrorCode;
using core::LifecycleState;

Device FullDevice(std::string name) {
  Device d;
  d.name = std::move(name);
  d.protocol = "mqtt";
  d.state = LifecycleState::kActive;
  d.identity = {"Acme", "TH-1", "A1-0042", "1.0", "2.0.3", "0.9"};
  d.labels = {{"region", "eu"}, {"site", "berlin-3"}};
  d.metadata_json = R"({"installer":"kim"})";
  d.connectivity = {true, kStart - 5000, "10.0.0.1:5683", "udp", 300, true};
  d.health.battery_level = 81;
  d.health.power_source = "battery";
  d.health.signal_strength = -71;
  d.health.free_memory = 2048;
  d.health.error_codes = {3, 7};
  return d;
}

void ExpectSameContent(const Device& a, const Device& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.protocol, b.protocol);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.identity.manufacturer, b.identity.manufacturer);
  EXPECT_EQ(a.identity.model, b.identity.model);
  EXPECT_EQ(a.identity.serial, b.identity.serial);
  EXPECT_EQ(a.identity.hardware_version, b.identity.hardware_version);
  EXPECT_EQ(a.identity.firmware_version, b.identity.firmware_version);
  EXPECT_EQ(a.identity.software_version, b.identity.software_version);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.metadata_json, b.metadata_json);
  EXPECT_EQ(a.connectivity.online, b.connectivity.online);
  EXPECT_EQ(a.connectivity.last_seen, b.connectivity.last_seen);
  EXPECT_EQ(a.connectivity.address, b.connectivity.address);
  EXPECT_EQ(a.connectivity.transport, b.connectivity.transport);
  EXPECT_EQ(a.connectivity.lifetime_s, b.connectivity.lifetime_s);
  EXPECT_EQ(a.connectivity.queue_mode, b.connectivity.queue_mode);
  EXPECT_EQ(a.health.battery_level, b.health.battery_level);
  EXPECT_EQ(a.health.power_source, b.health.power_source);
  EXPECT_EQ(a.health.signal_strength, b.health.signal_strength);
  EXPECT_EQ(a.health.free_memory, b.health.free_memory);
  EXPECT_EQ(a.health.error_codes, b.health.error_codes);
}

TEST_P(StoreContractTest, CreateAssignsIdVersionAndClockTimes) {
  Device created = Create(FullDevice("sensor-1"));
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.created_at, kStart);
  EXPECT_EQ(created.updated_at, kStart);
  Device second = Create("sensor-2");
  EXPECT_NE(second.id, created.id);
}

TEST_P(StoreContractTest, CreateKeepsTimesTheCallerSet) {
  Device d = NewDevice("sensor-1");
  d.created_at = 1000;
  d.updated_at = 2000;
  Device created = Create(d);
  EXPECT_EQ(created.created_at, 1000);
  EXPECT_EQ(created.updated_at, 2000);
}

TEST_P(StoreContractTest, GetReturnsEveryStoredField) {
  Device created = Create(FullDevice("sensor-1"));
  auto by_id = store().GetDevice(created.id);
  ASSERT_TRUE(by_id) << by_id.error().message;
  ExpectSameContent(*by_id, FullDevice("sensor-1"));
  EXPECT_EQ(by_id->id, created.id);
  EXPECT_EQ(by_id->version, 1);
  EXPECT_EQ(by_id->created_at, kStart);
  auto by_name = store().GetDeviceByName("sensor-1");
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ(by_name->id, created.id);
}

TEST_P(StoreContractTest, UnsetHealthFieldsStayUnset) {
  Device created = Create("bare");
  auto got = store().GetDevice(created.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->health.battery_level);
  EXPECT_FALSE(got->health.signal_strength);
  EXPECT_FALSE(got->health.free_memory);
  EXPECT_TRUE(got->health.error_codes.empty());
  EXPECT_EQ(got->metadata_json, "{}");
}

TEST_P(StoreContractTest, GetUnknownIsNotFound) {
  EXPECT_EQ(store().GetDevice(424242).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().GetDeviceByName("nobody").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, DuplicateNameIsAlreadyExistsAndWritesNoAudit) {
  Create("sensor-1");
  const std::size_t audits = AuditCount();
  auto again = store().CreateDevice(NewDevice("sensor-1"), Audit("device.create"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(*store().CountDevices(nullptr), 1);
}

TEST_P(StoreContractTest, UpdateReplacesEveryFieldAndBumpsVersion) {
  Device created = Create(FullDevice("sensor-1"));
  clock_.Advance(1000);
  Device changed = FullDevice("sensor-1b");
  changed.id = created.id;
  changed.version = created.version;
  changed.created_at = 5;  // ignored: created_at is kept
  changed.labels = {{"region", "us"}};
  changed.identity.firmware_version = "2.1";
  changed.health.battery_level.reset();
  changed.health.error_codes.clear();
  auto updated = store().UpdateDevice(changed, Audit("device.update"));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->created_at, kStart);
  EXPECT_EQ(updated->updated_at, kStart + 1000);
  auto got = store().GetDevice(created.id);
  ASSERT_TRUE(got);
  ExpectSameContent(*got, changed);
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(store().GetDeviceByName("sensor-1").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateKeepsTheConnectivityWrittenBehind) {
  Device created = Create(FullDevice("sensor-1"));
  Device before = *store().GetDevice(created.id);  // read before the write-behind
  core::Connectivity now_online{true, kStart + 500, "10.0.0.9:5683", "udp", 600, false};
  ASSERT_TRUE(store().SaveConnectivity({{created.id, now_online}}));
  before.identity.firmware_version = "3.0";
  before.connectivity.online = false;
  ASSERT_TRUE(store().UpdateDevice(before, Audit("device.report")));
  auto got = store().GetDevice(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->identity.firmware_version, "3.0");
  EXPECT_TRUE(got->connectivity.online);
  EXPECT_EQ(got->connectivity.address, "10.0.0.9:5683");
  EXPECT_EQ(got->connectivity.lifetime_s, 600);
}

TEST_P(StoreContractTest, UpdateWithStaleVersionIsConflictAndChangesNothing) {
  Device created = Create("sensor-1", {{"a", "1"}});
  Device first = created;
  first.identity.model = "M1";
  ASSERT_TRUE(store().UpdateDevice(first, Audit("device.update")));
  const std::size_t audits = AuditCount();
  Device stale = created;  // still at version 1
  stale.identity.model = "M2";
  auto conflict = store().UpdateDevice(stale, Audit("device.update"));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store().GetDevice(created.id)->identity.model, "M1");
  EXPECT_EQ(store().GetDevice(created.id)->version, 2);
  EXPECT_EQ(AuditCount(), audits);
}

TEST_P(StoreContractTest, UpdateUnknownIsNotFound) {
  Device ghost = NewDevice("ghost");
  ghost.id = 999;
  ghost.version = 1;
  EXPECT_EQ(store().UpdateDevice(ghost, Audit("device.update")).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateToATakenNameIsAlreadyExists) {
  Create("sensor-1");
  Device other = Create("sensor-2");
  other.name = "sensor-1";
  EXPECT_EQ(store().UpdateDevice(other, Audit("device.update")).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store().GetDevice(other.id)->name, "sensor-2");
}

TEST_P(StoreContractTest, DeleteRemovesDeviceCredentialsAndMemberships) {
  Device d = Create("sensor-1", {{"a", "1"}});
  Device keep = Create("sensor-2");
  core::Credential c;
  c.device_id = d.id;
  c.kind = "psk";
  c.identity = "sensor-1";
  c.secret = "00ff";
  ASSERT_TRUE(store().AddCredential(c, Audit("credential.add", "credential")));
  core::Group g;
  g.name = "g1";
  auto group = store().CreateGroup(g, Audit("group.create", "group"));
  ASSERT_TRUE(group);
  ASSERT_TRUE(store().AddGroupMembers(group->id, {d.id, keep.id}, Audit("group.members")));

  ASSERT_TRUE(store().DeleteDevice(d.id, Audit("device.delete", "device", "1")));
  EXPECT_EQ(store().GetDevice(d.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().FindCredential("psk", "sensor-1").error().code, ErrorCode::kNotFound);
  core::DeviceQuery members;
  members.static_group = group->id;
  EXPECT_EQ(ListAllNames(members), std::vector<std::string>{"sensor-2"});
  // The name is free again.
  EXPECT_TRUE(store().CreateDevice(NewDevice("sensor-1"), Audit("device.create")));
}

TEST_P(StoreContractTest, DeleteUnknownIsNotFoundAndWritesNoAudit) {
  const std::size_t audits = AuditCount();
  EXPECT_EQ(store().DeleteDevice(31337, Audit("device.delete")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), audits);
}

TEST_P(StoreContractTest, SaveConnectivityLastValueWinsAndIgnoresUnknownIds) {
  Device d = Create("sensor-1");
  core::Connectivity first{true, kStart + 1, "10.0.0.1:1", "udp", 60, false};
  core::Connectivity last{false, kStart + 2, "10.0.0.2:2", "dtls", 120, true};
  ASSERT_TRUE(store().SaveConnectivity({{d.id, first}, {424242, first}, {d.id, last}}));
  auto got = store().GetDevice(d.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->connectivity.online, false);
  EXPECT_EQ(got->connectivity.last_seen, kStart + 2);
  EXPECT_EQ(got->connectivity.address, "10.0.0.2:2");
  EXPECT_EQ(got->connectivity.transport, "dtls");
  EXPECT_EQ(got->connectivity.lifetime_s, 120);
  EXPECT_TRUE(got->connectivity.queue_mode);
  EXPECT_EQ(store().GetDevice(424242).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().SaveConnectivity({}));
}

TEST_P(StoreContractTest, CountDevicesByStateCountsEveryState) {
  for (auto [name, state] : {std::pair{"a", LifecycleState::kActive},
                             {"b", LifecycleState::kActive},
                             {"c", LifecycleState::kDisabled},
                             {"d", LifecycleState::kProvisioned}}) {
    Device d = NewDevice(name);
    d.state = state;
    Create(d);
  }
  auto counts = store().CountDevicesByState();
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ((*counts)[LifecycleState::kProvisioned], 1);
  EXPECT_EQ((*counts)[LifecycleState::kActive], 2);
  EXPECT_EQ((*counts)[LifecycleState::kDisabled], 1);
  EXPECT_EQ((*counts)[LifecycleState::kRetired], 0);
}

}  // namespace
}  // namespace custos::store::contract
