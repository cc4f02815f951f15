// The contract's asynchronous path (OnPublishAsync) for reported state: messages of a device
// merged in the order they came, each answered after its commit, refusals answered too.
#include <chrono>
#include <condition_variable>
#include <deque>

#include "contract_fixture.h"

namespace custos::mqtt_contract {
namespace {

class ReportedAsyncTest : public ContractFixture {
 protected:
  // Hands a message over and queues its answer for Next().
  void PublishAsync(std::string topic, std::string_view payload) {
    ms::Message m;
    m.topic = std::move(topic);
    m.payload.assign(payload.begin(), payload.end());
    m.qos = mqtt::QoS::kAtLeastOnce;
    const std::size_t index = handed_++;
    contract_->OnPublishAsync(Sender(), m, [this, index](mqtt::ReasonCode reason) {
      std::lock_guard lock(answers_mu_);
      answers_.emplace_back(index, reason);
      answered_.notify_all();
    });
  }

  // The next answer, in the order they came (index of the message, reason); nullopt after a
  // deadline.
  std::optional<std::pair<std::size_t, mqtt::ReasonCode>> Next() {
    std::unique_lock lock(answers_mu_);
    if (!answered_.wait_for(lock, std::chrono::seconds(30), [this] { return !answers_.empty(); })) {
      return std::nullopt;
    }
    auto next = answers_.front();
    answers_.pop_front();
    return next;
  }

  std::size_t handed_ = 0;
  std::mutex answers_mu_;
  std::condition_variable answered_;
  std::deque<std::pair<std::size_t, mqtt::ReasonCode>> answers_;
};

TEST_F(ReportedAsyncTest, MessagesAreMergedInOrderAndAnsweredAfterTheirCommit) {
  Start();
  constexpr int kCount = 100;
  for (int i = 1; i <= kCount; ++i) {
    PublishAsync("devices/d1/state/reported",
                 R"({"state":{"seq":)" + std::to_string(i) + R"(,"s)" + std::to_string(i) +
                     R"(":true}})");
  }
  for (int i = 1; i <= kCount; ++i) {
    auto answer = Next();
    ASSERT_TRUE(answer) << i;
    EXPECT_EQ(answer->first, static_cast<std::size_t>(i - 1));
    EXPECT_EQ(answer->second, mqtt::ReasonCode::kSuccess);
    // Answered means committed: another connection reads it.
    auto state = store_->GetDeviceState(id_);
    ASSERT_TRUE(state);
    ASSERT_GE(state->reported_version, i);
  }
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_version, kCount);
  // Every message merged on top of the one before: all the keys are there, the last seq wins.
  auto doc = boost::json::parse(state->reported_json).as_object();
  EXPECT_EQ(doc.at("seq").as_int64(), kCount);
  EXPECT_EQ(doc.size(), static_cast<std::size_t>(kCount + 1));
  EXPECT_EQ(contract_->counters().messages[TopicKind::kReported].accepted,
            static_cast<std::uint64_t>(kCount));
}

TEST_F(ReportedAsyncTest, RefusalsAreAnsweredInTheirTurn) {
  Start();
  PublishAsync("devices/d1/state/reported", R"({"state":{"a":1}})");
  PublishAsync("devices/d1/state/reported", "not json");
  PublishAsync("devices/d1/state/reported", R"({"state":{"b":2},"version":7})");  // stale
  PublishAsync("devices/d1/identity", R"({"model":"T-1000"})");  // well-known: synchronous
  PublishAsync("devices/d1/nowhere", "{}");
  std::map<std::size_t, mqtt::ReasonCode> got;
  for (int i = 0; i < 5; ++i) {
    auto answer = Next();
    ASSERT_TRUE(answer) << i;
    got[answer->first] = answer->second;
  }
  EXPECT_EQ(got[0], mqtt::ReasonCode::kSuccess);
  EXPECT_EQ(got[1], mqtt::ReasonCode::kPayloadFormatInvalid);
  EXPECT_EQ(got[2], mqtt::ReasonCode::kImplementationSpecificError);
  EXPECT_EQ(got[3], mqtt::ReasonCode::kSuccess);
  EXPECT_EQ(got[4], mqtt::ReasonCode::kTopicNameInvalid);
  auto device = registry_->GetDevice(id_);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->identity.model, "T-1000");
  auto state = store_->GetDeviceState(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_version, 2);
  // Each refusal is explained on the errors topic.
  ASSERT_TRUE(WaitForSent(3));
  for (const auto& [topic, payload] : TakeSent()) EXPECT_EQ(topic, "devices/d1/errors");
}

}  // namespace
}  // namespace custos::mqtt_contract
