// Thresholds: per batch and overall failure rates, batch success rate, pause versus abort.
#include "fixture.h"

namespace custos::campaign::testing {
namespace {

using ops::DeviceOutcome;

TEST_F(CampaignTest, BatchFailureRateAbortsCancelsAndCreatesNoMore) {
  CreateDevices(20);
  const std::int64_t id = Launch(MakeSpec(
      R"({"batch_size":10})", R"({"batch_failure_rate":0.2,"action":"abort"})"));
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 10u);
  FinishAll({sent.begin(), sent.begin() + 2}, DeviceOutcome::kFailed);
  Poll();
  EXPECT_EQ(View(id).state, State::kRunning) << "2 of 10 is not above 0.2";
  Finish(sent[2], DeviceOutcome::kFailed);
  Poll();
  CampaignView view = View(id);
  EXPECT_EQ(view.state, State::kAborted);
  EXPECT_EQ(view.counts["failed"], 3);
  EXPECT_EQ(view.counts["cancelled"], 7) << "the rest of the batch is cancelled";
  EXPECT_EQ(view.counts["skipped"], 10) << "the queued devices never start";
  EXPECT_EQ(TimelineKinds(id), (std::vector<std::string>{"created", "batch_started",
                                                         "threshold", "aborted"}));
  clock_.Advance(3'600'000);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  EXPECT_EQ(Operations(id).size(), 10u) << "no operation after the abort";
  EXPECT_FALSE(Resume(id));
}

TEST_F(CampaignTest, OverallFailureRatePausesAndResumeDoesNotTripAgainAtOnce) {
  CreateDevices(12);
  const std::int64_t id = Launch(MakeSpec(
      R"({"batch_size":4})", R"({"overall_failure_rate":0.3,"min_outcomes":4})"));
  auto sent = deliverer_.TakeSent();
  ASSERT_EQ(sent.size(), 4u);
  Finish(sent[0], DeviceOutcome::kFailed);
  Finish(sent[1], DeviceOutcome::kFailed);
  Poll();
  EXPECT_EQ(View(id).state, State::kRunning) << "fewer outcomes than min_outcomes";
  Finish(sent[2], DeviceOutcome::kSucceeded);
  Finish(sent[3], DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_EQ(View(id).state, State::kPaused) << "2 of 4 final failed, above 0.3";
  EXPECT_TRUE(deliverer_.TakeSent().empty());
  ASSERT_TRUE(Resume(id));
  auto next = deliverer_.TakeSent();
  ASSERT_EQ(next.size(), 4u);
  FinishAll(next, DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_EQ(View(id).state, State::kRunning) << "no new failure since the operator resumed";
  EXPECT_EQ(deliverer_.TakeSent().size(), 4u);
}

TEST_F(CampaignTest, BatchFailureRatePausesWithPauseAction) {
  CreateDevices(8);
  const std::int64_t id =
      Launch(MakeSpec(R"({"batch_size":4})", R"({"batch_failure_rate":0.25})"));
  auto sent = deliverer_.TakeSent();
  FinishAll({sent.begin(), sent.begin() + 2}, DeviceOutcome::kFailed);
  Poll();
  CampaignView view = View(id);
  EXPECT_EQ(view.state, State::kPaused);
  EXPECT_EQ(view.counts["sent"], 2) << "pausing cancels nothing";
  FinishAll({sent.begin() + 2, sent.end()}, DeviceOutcome::kSucceeded);
  Poll();
  EXPECT_TRUE(deliverer_.TakeSent().empty());
}

TEST_F(CampaignTest, BatchSuccessRateHoldsTheNextBatch) {
  CreateDevices(8);
  const std::int64_t id = Launch(MakeSpec(R"({"batch_size":4})", R"({"batch_success_rate":0.9})"));
  auto sent = deliverer_.TakeSent();
  FinishAll({sent.begin(), sent.begin() + 3}, DeviceOutcome::kSucceeded);
  Finish(sent[3], DeviceOutcome::kRejected);
  Poll();
  EXPECT_EQ(View(id).state, State::kPaused);
  EXPECT_TRUE(deliverer_.TakeSent().empty()) << "3 of 4 succeeded, below 0.9";
  auto timeline = View(id).timeline;
  ASSERT_GE(timeline.size(), 3u);
  EXPECT_NE(timeline[2].details_json.find("batch_success_rate"), std::string::npos);
  ASSERT_TRUE(Resume(id));
  EXPECT_EQ(deliverer_.TakeSent().size(), 4u) << "the operator let the next batch go";
}

}  // namespace
}  // namespace custos::campaign::testing
