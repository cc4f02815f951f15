// Endpoint::Start: what it refuses, and what it reports once bound.
#include <gtest/gtest.h>

#include "coap/transport/endpoint.h"

namespace custos::coap {
namespace {

core::ErrorCode StartError(EndpointOptions options) {
  auto started = Endpoint::Start(std::move(options), nullptr);
  EXPECT_FALSE(started);
  return started ? core::ErrorCode::kInternal : started.error().code;
}

TEST(StartTest, RefusesABadAddress) {
  EndpointOptions options;
  options.listen = "coap.example:5683";
  EXPECT_EQ(StartError(options), core::ErrorCode::kInvalidArgument);
}

TEST(StartTest, StartsWithDtlsAndNoSessions) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.dtls = DtlsSettings{};
  auto endpoint = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ((*endpoint)->stats().dtls_sessions, 0u);
}

TEST(StartTest, RefusesADtlsMtuOverMaxDatagram) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.dtls = DtlsSettings{};
  options.dtls->mtu = options.max_datagram + 1;
  EXPECT_EQ(StartError(options), core::ErrorCode::kInvalidArgument);
}

TEST(StartTest, RefusesZeroThreads) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 0;
  EXPECT_EQ(StartError(options), core::ErrorCode::kInvalidArgument);
}

TEST(StartTest, IsUnavailableWhenTheAddressIsNotLocal) {
  EndpointOptions options;
  options.listen = "192.0.2.1:0";  // TEST-NET-1: on no interface here
  EXPECT_EQ(StartError(options), core::ErrorCode::kUnavailable);
}

TEST(StartTest, IsUnavailableWhenThePortIsTaken) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  auto first = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(first) << first.error().message;
  options.listen = (*first)->local_address();
  EXPECT_EQ(StartError(options), core::ErrorCode::kUnavailable);
}

TEST(StartTest, ReportsTheBoundPortAndAddress) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  auto endpoint = Endpoint::Start(options, nullptr);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_NE((*endpoint)->port(), 0);
  EXPECT_EQ((*endpoint)->local_address(), "127.0.0.1:" + std::to_string((*endpoint)->port()));
  (*endpoint)->Stop();
  (*endpoint)->Stop();  // idempotent
}

}  // namespace
}  // namespace custos::coap
