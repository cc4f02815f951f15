// Store contract: UpdateReportedState, the asynchronous read-modify-write of the reported
// document (each change sees every earlier one; answers come once, in order).
#include <chrono>
#include <future>
#include <mutex>

#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::DeviceState;
using core::ErrorCode;
using core::Result;
using core::Store;

// Collects the answers of UpdateReportedState calls, in the order they come.
class Answers {
 public:
  Store::StateCompletion Next() {
    return [this](Result<DeviceState> r) {
      std::lock_guard lock(mu_);
      answers_.push_back(std::move(r));
      if (answers_.size() == expected_) all_.set_value();
    };
  }
  // Waits (with a deadline) until `n` answers came.
  std::vector<Result<DeviceState>> Wait(std::size_t n) {
    {
      std::lock_guard lock(mu_);
      expected_ = n;
      if (answers_.size() == n) all_.set_value();
    }
    EXPECT_EQ(all_.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
    std::lock_guard lock(mu_);
    return answers_;
  }

 private:
  std::mutex mu_;
  std::size_t expected_ = SIZE_MAX;
  std::promise<void> all_;
  std::vector<Result<DeviceState>> answers_;
};

// A change that appends `n` to the "seen" list of the stored document, so the result shows
// which changes ran, in which order, each on top of the one before.
Store::ReportedChangeFn Append(int n) {
  return [n](const DeviceState& stored) -> Result<std::optional<Store::ReportedChange>> {
    std::string json = stored.reported_json == "{}"
                           ? "{\"seen\":\"" + std::to_string(n) + "\"}"
                           : stored.reported_json.substr(0, stored.reported_json.size() - 2) +
                                 "," + std::to_string(n) + "\"}";
    return Store::ReportedChange{std::move(json), std::nullopt};
  };
}

TEST_P(StoreContractTest, ReportedUpdatesApplyAndAnswerInTheOrderMade) {
  core::Device d = Create("sensor-1");
  Answers answers;
  constexpr int kCount = 20;
  for (int i = 1; i <= kCount; ++i) store().UpdateReportedState(d.id, Append(i), answers.Next());
  auto got = answers.Wait(kCount);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kCount));
  std::string expected = "{\"seen\":\"1";
  for (int i = 1; i <= kCount; ++i) {
    ASSERT_TRUE(got[i - 1]) << got[i - 1].error().message;
    EXPECT_EQ(got[i - 1]->reported_version, i);
    if (i > 1) expected += "," + std::to_string(i);
    EXPECT_EQ(got[i - 1]->reported_json, expected + "\"}");
  }
  Reopen();
  auto reread = store().GetDeviceState(d.id);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->reported_version, kCount);
  EXPECT_EQ(reread->reported_json, expected + "\"}");
}

TEST_P(StoreContractTest, AReportedUpdateMayStoreNothingOrFailAlone) {
  core::Device d = Create("sensor-1");
  Answers answers;
  store().UpdateReportedState(d.id, Append(1), answers.Next());
  store().UpdateReportedState(
      d.id,
      [](const DeviceState&) -> Result<std::optional<Store::ReportedChange>> {
        return core::MakeError(ErrorCode::kConflict, "refused by the change");
      },
      answers.Next());
  store().UpdateReportedState(
      d.id,
      [](const DeviceState&) -> Result<std::optional<Store::ReportedChange>> {
        return std::nullopt;
      },
      answers.Next());
  store().UpdateReportedState(
      d.id,
      [](const DeviceState& stored) -> Result<std::optional<Store::ReportedChange>> {
        // The same document: only the acknowledgement is recorded, the version stays.
        return Store::ReportedChange{stored.reported_json, 4};
      },
      answers.Next());
  store().UpdateReportedState(d.id + 100, Append(9), answers.Next());
  auto got = answers.Wait(5);
  ASSERT_EQ(got.size(), 5u);
  ASSERT_TRUE(got[0]);
  EXPECT_EQ(got[0]->reported_version, 1);
  ASSERT_FALSE(got[1]);
  EXPECT_EQ(got[1].error().code, ErrorCode::kConflict);
  ASSERT_TRUE(got[2]) << got[2].error().message;
  EXPECT_EQ(got[2]->reported_version, 1);
  EXPECT_EQ(got[2]->reported_json, R"({"seen":"1"})");
  ASSERT_TRUE(got[3]) << got[3].error().message;
  EXPECT_EQ(got[3]->reported_version, 1);
  EXPECT_EQ(got[3]->desired_acknowledged, 4);
  ASSERT_FALSE(got[4]);
  EXPECT_EQ(got[4].error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::store::contract
