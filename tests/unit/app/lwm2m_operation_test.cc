// How LwM2M calls travel as operations (app/lwm2m_operation.h): every queueable call comes
// back from its operation as it went in; observations are refused; presence by queue mode.
#include "app/lwm2m_operation.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::app {
namespace {

namespace js = boost::json;
using Kind = lwm2m::server::ManagementCall::Kind;
using lwm2m::server::ManagementCall;

ManagementCall MakeCall(Kind kind, std::string path = "/3/0") {
  ManagementCall call;
  call.kind = kind;
  call.device = 7;
  call.path = std::move(path);
  return call;
}

core::Operation OperationFor(const OperationShape& shape) {
  core::Operation op;
  op.id = 81;
  op.device_id = 7;
  op.kind = shape.kind;
  op.parameters_json = shape.parameters_json;
  return op;
}

// The call after a trip through OperationOf and ManagementCallOf.
ManagementCall RoundTrip(const ManagementCall& call) {
  auto shape = OperationOf(call);
  EXPECT_TRUE(shape) << (shape ? "" : shape.error().message);
  if (!shape) return {};
  auto back = ManagementCallOf(OperationFor(*shape));
  EXPECT_TRUE(back) << (back ? "" : back.error().message) << " " << shape->parameters_json;
  return back ? *back : ManagementCall{};
}

void ExpectSame(const ManagementCall& a, const ManagementCall& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_EQ(js::serialize(a.body), js::serialize(b.body));
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.arguments, b.arguments);
}

TEST(Lwm2mOperationTest, ReadWriteAndExecuteTravelAsTheirOwnKinds) {
  auto read = MakeCall(Kind::kRead, "/3/0/0");
  read.format = "tlv";
  auto shape = OperationOf(read);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->kind, core::OperationKind::kRead);
  EXPECT_EQ(js::parse(shape->parameters_json), js::parse(R"({"path":"/3/0/0","format":"tlv"})"));
  ExpectSame(RoundTrip(read), read);

  auto write = MakeCall(Kind::kWrite, "/1/0/1");
  write.body = 300;
  shape = OperationOf(write);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->kind, core::OperationKind::kWrite);
  ExpectSame(RoundTrip(write), write);

  auto partial = MakeCall(Kind::kWritePartial, "/1/0");
  partial.body = js::parse(R"({"resources":[{"id":1,"value":60}]})");
  ExpectSame(RoundTrip(partial), partial);

  auto execute = MakeCall(Kind::kExecute, "/3/0/4");
  execute.arguments = "0='v'";
  shape = OperationOf(execute);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->kind, core::OperationKind::kExecute);
  ExpectSame(RoundTrip(execute), execute);
}

TEST(Lwm2mOperationTest, TheCallsWithoutAKindTravelAsCustomWithTheCallUnderLwm2m) {
  auto discover = MakeCall(Kind::kDiscover, "/3");
  auto shape = OperationOf(discover);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->kind, core::OperationKind::kCustom);
  EXPECT_EQ(js::parse(shape->parameters_json),
            js::parse(R"({"lwm2m":{"operation":"discover","path":"/3"}})"));
  ExpectSame(RoundTrip(discover), discover);

  auto attributes = MakeCall(Kind::kWriteAttributes, "/3/0/9");
  attributes.body = js::parse(R"({"pmin":10,"gt":50.5})");
  ExpectSame(RoundTrip(attributes), attributes);

  auto create = MakeCall(Kind::kCreate, "/1");
  create.body = js::parse(R"({"id":1,"resources":[]})");
  ExpectSame(RoundTrip(create), create);

  ExpectSame(RoundTrip(MakeCall(Kind::kDelete, "/1/1")), MakeCall(Kind::kDelete, "/1/1"));

  auto composite = MakeCall(Kind::kReadComposite, "");
  composite.paths = {"/3/0/0", "/3/0/9"};
  ExpectSame(RoundTrip(composite), composite);

  auto write_composite = MakeCall(Kind::kWriteComposite, "");
  write_composite.body = js::parse(R"({"path":"/","objects":[]})");
  ExpectSame(RoundTrip(write_composite), write_composite);
}

TEST(Lwm2mOperationTest, ObservationsAreNotQueued) {
  for (Kind kind : {Kind::kObserve, Kind::kCancelObservation, Kind::kObservations}) {
    auto shape = OperationOf(MakeCall(kind));
    ASSERT_FALSE(shape);
    EXPECT_EQ(shape.error().code, core::ErrorCode::kFailedPrecondition);
  }
}

TEST(Lwm2mOperationTest, RebootAndFactoryResetAreExecutesOfObject3) {
  core::Operation op;
  op.kind = core::OperationKind::kReboot;
  auto call = ManagementCallOf(op);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->kind, Kind::kExecute);
  EXPECT_EQ(call->path, "/3/0/4");
  op.kind = core::OperationKind::kFactoryReset;
  call = ManagementCallOf(op);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->path, "/3/0/5");
}

TEST(Lwm2mOperationTest, ParametersThatNameNoCallAreRefused) {
  struct Case {
    core::OperationKind kind;
    const char* parameters;
  };
  const Case cases[] = {
      {core::OperationKind::kRead, "[]"},
      {core::OperationKind::kRead, "{}"},
      {core::OperationKind::kRead, R"({"path":3})"},
      {core::OperationKind::kWrite, R"({"path":"/1/0/1"})"},
      {core::OperationKind::kCustom, R"({"path":"/3/0"})"},
      {core::OperationKind::kCustom, R"({"lwm2m":{"operation":"observe","path":"/3/0"}})"},
      {core::OperationKind::kCustom, R"({"lwm2m":{"operation":"create","path":"/1"}})"},
      {core::OperationKind::kCustom, R"({"lwm2m":{"operation":"read_composite","paths":"/3"}})"},
      {core::OperationKind::kEnable, R"({"path":"/3/0"})"},
  };
  for (const auto& c : cases) {
    core::Operation op;
    op.kind = c.kind;
    op.parameters_json = c.parameters;
    auto call = ManagementCallOf(op);
    ASSERT_FALSE(call) << c.parameters;
    EXPECT_EQ(call.error().code, core::ErrorCode::kInvalidArgument) << c.parameters;
  }
}

TEST(Lwm2mOperationTest, AQueueModeDeviceSleepsOnceItsAwakeTimeHasPassed) {
  lwm2m::server::RegistrationTable table;
  const std::chrono::milliseconds awake(93'000);
  EXPECT_EQ(PresenceOf(table, 7, 1'000, awake), Presence::kUnregistered);

  lwm2m::server::Registration queued;
  queued.id = "a";
  queued.endpoint = "sleepy";
  queued.device_id = 7;
  queued.queue_mode = true;
  queued.updated_at = 1'000;
  queued.deadline = 1'000'000;
  table.Put(queued);
  EXPECT_EQ(PresenceOf(table, 7, 1'000, awake), Presence::kListening);
  EXPECT_EQ(PresenceOf(table, 7, 93'999, awake), Presence::kListening);
  EXPECT_EQ(PresenceOf(table, 7, 94'000, awake), Presence::kAsleep);

  lwm2m::server::Registration always = queued;
  always.id = "b";
  always.endpoint = "awake";
  always.device_id = 8;
  always.queue_mode = false;
  table.Put(always);
  EXPECT_EQ(PresenceOf(table, 8, 500'000, awake), Presence::kListening);
}

}  // namespace
}  // namespace custos::app
