// The contract's device state: reported updates from devices, desired state to them.
#include <boost/json.hpp>

#include "contract_fixture.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
using Strings = std::vector<std::pair<std::string, std::string>>;

class DeviceStateContractTest : public ContractFixture {
 protected:
  void Desire(std::string_view patch) {
    twin::DeviceStates states(*store_, *registry_, *events_);
    auto done = states.PatchDesired(operator_, id_, json::parse(patch).as_object(), std::nullopt);
    ASSERT_TRUE(done) << done.error().message;
  }
};

TEST_F(DeviceStateContractTest, ReportedStateIsStoredAndFeedsTheDeviceModel) {
  Start();
  EXPECT_EQ(Publish("devices/d1/state/reported",
                    R"({"state":{"firmware_version":"2.1.0","battery_level":64}})"),
            mqtt::ReasonCode::kSuccess);
  auto device = registry_->GetDevice(id_);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->identity.firmware_version, "2.1.0");
  EXPECT_EQ(device->health.battery_level, 64);
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_version, 1);
  EXPECT_EQ(contract_->counters().messages[TopicKind::kReported].accepted, 1u);
  EXPECT_TRUE(TakeSent().empty());
}

TEST_F(DeviceStateContractTest, IdentityGoesIntoTheReportedDocument) {
  Start();
  EXPECT_EQ(Publish("devices/d1/identity",
                    R"({"manufacturer":"Acme","model":"T-1000","firmware_version":"1.0.3",)"
                    R"("supported_operations":["reboot","firmware_update"]})"),
            mqtt::ReasonCode::kSuccess);
  auto device = registry_->GetDevice(id_);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->identity.manufacturer, "Acme");
  EXPECT_EQ(device->identity.model, "T-1000");
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(json::parse(state->reported_json).at("supported_operations"),
            json::parse(R"(["reboot","firmware_update"])"));
}

TEST_F(DeviceStateContractTest, MalformedJsonIsRefusedCountedExplainedAndNotStored) {
  Start();
  EXPECT_EQ(Publish("devices/d1/state/reported", R"({"state":{"battery_level":)"),
            mqtt::ReasonCode::kPayloadFormatInvalid);
  EXPECT_EQ(Publish("devices/d1/state/reported", R"({"state":{"battery_level":"full"}})"),
            mqtt::ReasonCode::kPayloadFormatInvalid);
  EXPECT_EQ(contract_->counters().messages[TopicKind::kReported].malformed, 2u);
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_version, 0);
  Strings sent = TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].first, "devices/d1/errors");
  auto error = json::parse(sent[0].second);
  EXPECT_EQ(error.at("topic").as_string(), "devices/d1/state/reported");
  EXPECT_EQ(error.at("code").as_string(), "invalid_argument");
  EXPECT_TRUE(error.as_object().contains("position"));
  EXPECT_NE(json::parse(sent[1].second).at("message").as_string().find("battery_level"),
            std::string::npos);
}

TEST_F(DeviceStateContractTest, AStaleVersionAndAnUnknownTopicAreRefused) {
  Start();
  ASSERT_EQ(Publish("devices/d1/state/reported", R"({"state":{"a":1}})"),
            mqtt::ReasonCode::kSuccess);
  EXPECT_EQ(Publish("devices/d1/state/reported", R"({"state":{"a":2},"version":0})"),
            mqtt::ReasonCode::kImplementationSpecificError);
  EXPECT_EQ(contract_->counters().messages[TopicKind::kReported].refused, 1u);
  EXPECT_EQ(Publish("devices/d1/whatever", "{}"), mqtt::ReasonCode::kTopicNameInvalid);
  EXPECT_EQ(contract_->counters().messages[TopicKind::kUnknown].refused, 1u);
  Strings sent = TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(json::parse(sent[0].second).at("code").as_string(), "conflict");
}

TEST_F(DeviceStateContractTest, ADesiredChangeReachesTheConnectedDevice) {
  Start();
  contract_->OnConnect(Connect());
  Desire(R"({"interval":30})");
  ASSERT_TRUE(WaitForSent(2));
  Strings sent = TakeSent();
  EXPECT_EQ(sent,
            (Strings{{"devices/d1/state/desired", R"({"state":{"interval":30},"version":1})"},
                     {"devices/d1/state/delta", R"({"state":{"interval":30},"version":1})"}}));
}

TEST_F(DeviceStateContractTest, AnUnacknowledgedDesiredStateIsSentOnEveryConnect) {
  Desire(R"({"interval":30})");  // before Start: the change itself is not delivered
  Start();
  contract_->OnConnect(Connect());
  EXPECT_EQ(TakeSent().size(), 2u);
  ASSERT_EQ(
      Publish("devices/d1/state/reported", R"({"state":{"interval":30},"desired_version":1})"),
      mqtt::ReasonCode::kSuccess);
  contract_->OnConnect(Connect());
  EXPECT_TRUE(TakeSent().empty());
  EXPECT_EQ(store_->GetDeviceState(id_)->desired_acknowledged, 1);
}

TEST_F(DeviceStateContractTest, ADeviceThatSubscribesAfterConnectingStillGetsIt) {
  Desire(R"({"interval":30})");
  Start();
  SetSubscribed(false);
  contract_->OnConnect(Connect());
  EXPECT_TRUE(TakeSent().empty());
  SetSubscribed(true);
  ASSERT_TRUE(WaitForSent(2));
  Strings sent = TakeSent();
  EXPECT_EQ(sent[0].first, "devices/d1/state/desired");
  EXPECT_GE(contract_->counters().desired_retried, 1u);
}

}  // namespace
}  // namespace custos::mqtt_contract
