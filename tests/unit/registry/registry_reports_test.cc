// Registry::ReportDevice: what a device says about its identity and health.
#include "fixture.h"

namespace custos::core {
namespace {

using RegistryReportsTest = RegistryFixture;

TEST_F(RegistryReportsTest, ChangedFieldsAreStoredAuditedAsTheDeviceAndPublished) {
  auto d = registry_->CreateDevice(operator_, NewDevice("meter-1"));
  ASSERT_TRUE(d);
  EventTypes();
  DeviceReport r;
  r.firmware_version = "1.4.2";
  r.manufacturer = "Acme";
  r.battery_level = 87;
  r.power_source = "battery";
  r.signal_strength = -71;
  r.free_memory = 512;
  r.error_codes = std::vector<int>{3, 7};
  auto reported = registry_->ReportDevice(d->id, r);
  ASSERT_TRUE(reported) << reported.error().message;
  EXPECT_EQ(reported->identity.firmware_version, "1.4.2");
  EXPECT_EQ(reported->identity.manufacturer, "Acme");
  EXPECT_EQ(reported->health.battery_level, 87);
  EXPECT_EQ(reported->health.power_source, "battery");
  EXPECT_EQ(reported->health.signal_strength, -71);
  EXPECT_EQ(reported->health.free_memory, 512);
  EXPECT_EQ(reported->health.error_codes, (std::vector<int>{3, 7}));
  EXPECT_EQ(reported->version, d->version + 1);

  auto stored = registry_->GetDevice(d->id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->health.battery_level, 87);
  EXPECT_EQ(EventTypes(), std::vector<std::string>{"device.updated"});
  AuditQuery q;
  q.action_prefix = "device.report";
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].actor, "device:meter-1");
  EXPECT_EQ((*audit)[0].target_id, std::to_string(d->id));
  EXPECT_NE((*audit)[0].details_json.find("battery_level"), std::string::npos);
}

TEST_F(RegistryReportsTest, NothingNewWritesNothing) {
  auto d = registry_->CreateDevice(operator_, NewDevice("meter-2"));
  ASSERT_TRUE(d);
  DeviceReport r;
  r.battery_level = 50;
  ASSERT_TRUE(registry_->ReportDevice(d->id, r));
  EventTypes();
  auto again = registry_->ReportDevice(d->id, r);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, d->version + 1);
  EXPECT_TRUE(EventTypes().empty());
  EXPECT_TRUE(registry_->ReportDevice(d->id, DeviceReport{}));
  EXPECT_TRUE(DeviceReport{}.empty());
  EXPECT_FALSE(r.empty());
}

TEST_F(RegistryReportsTest, ProtocolIsTakenOnlyWhenTheDeviceHasNone) {
  auto blank = registry_->CreateDevice(operator_, NewDevice("blank"));
  ASSERT_TRUE(blank);
  DeviceReport mqtt;
  mqtt.protocol = "mqtt";
  auto set = registry_->ReportDevice(blank->id, mqtt);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->protocol, "mqtt");

  Device lwm2m = NewDevice("lwm2m-1");
  lwm2m.protocol = "lwm2m";
  auto other = registry_->CreateDevice(operator_, lwm2m);
  ASSERT_TRUE(other);
  auto kept = registry_->ReportDevice(other->id, mqtt);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->protocol, "lwm2m");
  EXPECT_EQ(kept->version, other->version);
}

TEST_F(RegistryReportsTest, OutOfRangeValuesAndRetiredDevicesAreRefused) {
  auto d = registry_->CreateDevice(operator_, NewDevice("meter-3"));
  ASSERT_TRUE(d);
  DeviceReport battery;
  battery.battery_level = 101;
  EXPECT_EQ(registry_->ReportDevice(d->id, battery).error().code, ErrorCode::kInvalidArgument);
  DeviceReport memory;
  memory.free_memory = -1;
  EXPECT_EQ(registry_->ReportDevice(d->id, memory).error().code, ErrorCode::kInvalidArgument);
  DeviceReport long_model;
  long_model.model = std::string(10000, 'm');
  EXPECT_EQ(registry_->ReportDevice(d->id, long_model).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(registry_->ReportDevice(999, DeviceReport{}).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(registry_->RetireDevice(operator_, d->id, "gone"));
  DeviceReport fw;
  fw.firmware_version = "2.0";
  EXPECT_EQ(registry_->ReportDevice(d->id, fw).error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace custos::core
