#include <gtest/gtest.h>

#include "coap/coap.h"

namespace custos::coap {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// RFC 7252 §4.8 defaults and the derived times of §4.8.2.
TEST(TransmissionParamsTest, DefaultsGiveTheRfcNumbers) {
  TransmissionParams params;
  EXPECT_EQ(params.ack_timeout, seconds(2));
  EXPECT_DOUBLE_EQ(params.ack_random_factor, 1.5);
  EXPECT_EQ(params.max_retransmit, 4);
  EXPECT_EQ(params.nstart, 1);
  EXPECT_EQ(params.default_leisure, seconds(5));
  EXPECT_EQ(params.probing_rate, 1u);
  EXPECT_EQ(params.MaxTransmitSpan(), seconds(45));
  EXPECT_EQ(params.MaxTransmitWait(), seconds(93));
  EXPECT_EQ(params.MaxLatency(), seconds(100));
  EXPECT_EQ(params.ProcessingDelay(), seconds(2));
  EXPECT_EQ(params.MaxRtt(), seconds(202));
  EXPECT_EQ(params.ExchangeLifetime(), seconds(247));
  EXPECT_EQ(params.NonLifetime(), seconds(145));
}

TEST(TransmissionParamsTest, DerivedTimesFollowTheParameters) {
  TransmissionParams params;
  params.ack_timeout = seconds(1);
  params.ack_random_factor = 2.0;
  params.max_retransmit = 2;
  EXPECT_EQ(params.MaxTransmitSpan(), seconds(6));   // 1 * 3 * 2
  EXPECT_EQ(params.MaxTransmitWait(), seconds(14));  // 1 * 7 * 2
  EXPECT_EQ(params.ExchangeLifetime(), seconds(6 + 200 + 1));
  EXPECT_EQ(params.NonLifetime(), seconds(106));
}

TEST(TransmissionParamsTest, InitialTimeoutSpansTheRandomRange) {
  TransmissionParams params;
  EXPECT_EQ(params.InitialTimeout(0.0), seconds(2));
  EXPECT_EQ(params.InitialTimeout(0.5), milliseconds(2500));
  EXPECT_EQ(params.InitialTimeout(1.0), seconds(3));
  EXPECT_EQ(params.InitialTimeout(-1.0), seconds(2));
  EXPECT_EQ(params.InitialTimeout(7.0), seconds(3));
}

}  // namespace
}  // namespace custos::coap
