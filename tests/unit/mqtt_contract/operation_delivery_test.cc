// OperationDelivery: operations out on operations/op-{id}, configure as desired state, and
// the devices' progress and results back to the engine (a recording listener here).
#include <boost/json.hpp>

#include "contract_fixture.h"

namespace custos::mqtt_contract {
namespace {

class RecordingListener final : public ops::DeliveryListener {
 public:
  void OnDelivered(core::DeviceId d, std::int64_t id) override { Add("delivered", d, id, ""); }
  void OnUndelivered(core::DeviceId d, std::int64_t id, const core::Error& why) override {
    Add("undelivered", d, id, why.message);
  }
  void OnProgress(core::DeviceId d, std::int64_t id, std::string details) override {
    Add("progress", d, id, details);
  }
  void OnResult(core::DeviceId d, std::int64_t id, ops::DeviceOutcome outcome,
                std::string details) override {
    Add(std::string("result ") + ops::ToString(outcome), d, id, details);
  }
  void OnContact(core::DeviceId d) override { Add("contact", d, 0, ""); }

  std::vector<std::string> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(calls_, {});
  }

 private:
  void Add(std::string what, core::DeviceId d, std::int64_t id, std::string details) {
    std::lock_guard lock(mu_);
    calls_.push_back(what + " " + std::to_string(d) + " " + std::to_string(id) +
                     (details.empty() ? "" : " " + details));
  }
  std::mutex mu_;
  std::vector<std::string> calls_;
};

class OperationDeliveryTest : public ContractFixture {
 protected:
  void SetUp() override {
    ContractFixture::SetUp();
    delivery_ = std::make_unique<OperationDelivery>(
        ContractServices{*store_, *registry_, *events_, clock_}, listener_);
    contract_ = std::make_unique<DeviceContract>(
        ContractServices{*store_, *registry_, *events_, clock_, delivery_.get()});
    Start();
    delivery_->SetPublisher([this](core::DeviceId id, ms::Message m) {
      std::lock_guard lock(mu_);
      if (!subscribed_) {
        return core::Result<ms::PublishOutcome>(
            core::MakeError(core::ErrorCode::kFailedPrecondition, "no subscription"));
      }
      sent_.emplace_back(id, std::move(m));
      return core::Result<ms::PublishOutcome>(ms::PublishOutcome::kQueued);
    });
  }

  core::Operation Op(std::int64_t id, core::OperationKind kind, std::string parameters) {
    core::Operation op;
    op.id = id;
    op.device_id = id_;
    op.kind = kind;
    op.parameters_json = std::move(parameters);
    op.requested_by = "ops";
    return op;
  }

  core::Device Device() { return *registry_->GetDevice(id_); }

  RecordingListener listener_;
  std::unique_ptr<OperationDelivery> delivery_;
};

using Strings = std::vector<std::string>;

TEST_F(OperationDeliveryTest, OperationGoesOutOnItsTopicWithKindAndParameters) {
  delivery_->Deliver(Op(81, core::OperationKind::kFirmwareUpdate, R"({"url":"https://x/f.bin"})"),
                     Device());
  auto sent = TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, "devices/d1/operations/op-81");
  EXPECT_EQ(sent[0].second,
            R"({"kind":"firmware_update","parameters":{"url":"https://x/f.bin"}})");
  EXPECT_EQ(listener_.Take(), Strings{"delivered " + std::to_string(id_) + " 81"});
}

TEST_F(OperationDeliveryTest, UndeliveredOperationIsTriedAgainAtTheDevicesNextPublish) {
  SetSubscribed(false);
  delivery_->Deliver(Op(5, core::OperationKind::kReboot, "{}"), Device());
  const std::string d = std::to_string(id_);
  EXPECT_EQ(listener_.Take(), Strings{"undelivered " + d + " 5 no subscription"});
  delivery_->OnDevicePublished(id_);
  EXPECT_EQ(listener_.Take(), Strings{"contact " + d + " 0"});
  delivery_->OnDevicePublished(id_);  // once only
  EXPECT_TRUE(listener_.Take().empty());
  delivery_->OnDeviceConnected(id_);
  EXPECT_EQ(listener_.Take(), Strings{"contact " + d + " 0"});
}

TEST_F(OperationDeliveryTest, ProgressAndResultsReachTheEngineByOperationId) {
  const std::string d = std::to_string(id_);
  EXPECT_EQ(Publish("devices/d1/operations/op-7/progress", R"({"progress":40})"),
            mqtt::ReasonCode::kSuccess);
  EXPECT_EQ(Publish("devices/d1/operations/op-7/result", R"({"state":"succeeded"})"),
            mqtt::ReasonCode::kSuccess);
  EXPECT_EQ(Publish("devices/d1/operations/op-8/result", R"({"state":"rejected"})"),
            mqtt::ReasonCode::kSuccess);
  auto calls = listener_.Take();
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[0], "delivered " + d + " 7");
  EXPECT_EQ(calls[1].rfind("progress " + d + " 7 ", 0), 0u) << calls[1];
  EXPECT_EQ(calls[3].rfind("result succeeded " + d + " 7", 0), 0u) << calls[3];
  EXPECT_EQ(calls[5].rfind("result rejected " + d + " 8", 0), 0u) << calls[5];
  // Not one of ours: dropped.
  Publish("devices/d1/operations/fw-1/result", R"({"state":"succeeded"})");
  EXPECT_TRUE(listener_.Take().empty());
}

TEST_F(OperationDeliveryTest, ConfigureIsAppliedAsDesiredState) {
  delivery_->Deliver(Op(9, core::OperationKind::kConfigure, R"({"interval":10})"), Device());
  EXPECT_EQ(listener_.Take(),
            Strings{"result succeeded " + std::to_string(id_) + " 9 {\"desired_version\":1}"});
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(boost::json::parse(state->desired_json), boost::json::parse(R"({"interval":10})"));
}

TEST_F(OperationDeliveryTest, SupportsTheContractsKindsAndReachesOnlineDevices) {
  EXPECT_TRUE(delivery_->Supports(core::OperationKind::kReboot));
  EXPECT_TRUE(delivery_->Supports(core::OperationKind::kCustom));
  EXPECT_FALSE(delivery_->Supports(core::OperationKind::kRead));
  core::Device d = Device();
  EXPECT_FALSE(delivery_->Reachable(d));
  d.connectivity.online = true;
  EXPECT_TRUE(delivery_->Reachable(d));
}

}  // namespace
}  // namespace custos::mqtt_contract
