// The LwM2M routes for a device asleep in queue mode (docs/api.md, "LwM2M device
// management"): queued as an operation with 202 and its Location, ?timeout= and ?queue=false,
// and the server-side calls answered at once. A fake Lwm2mPort plays the LwM2M side.
#include <gtest/gtest.h>

#include "api/lwm2m_port.h"
#include "api_fixture.h"

namespace custos::api {
namespace {

class FakeLwm2m final : public Lwm2mPort {
 public:
  tl::expected<boost::json::value, Lwm2mFailure> Call(const Lwm2mCall& call) override {
    sent.push_back(call);
    return boost::json::value(boost::json::object{{"sent", true}});
  }
  bool Asleep(core::DeviceId device) override { return asleep; }
  tl::expected<core::Operation, Lwm2mFailure> Enqueue(
      const Lwm2mCall& call, const core::Actor& actor,
      std::optional<std::int64_t> timeout_ms) override {
    if (full) return tl::unexpected(Lwm2mFailure{429, "queue_full", "full", ""});
    queued.push_back(call);
    timeout = timeout_ms;
    core::Operation op;
    op.id = 42;
    op.device_id = call.device;
    op.kind = core::OperationKind::kRead;
    op.parameters_json = R"({"path":"/3/0/9"})";
    op.state = core::OperationState::kWaiting;
    op.waiting_for = "offline";
    op.requested_by = actor.name;
    return op;
  }

  bool asleep = true;
  bool full = false;
  std::vector<Lwm2mCall> sent;
  std::vector<Lwm2mCall> queued;
  std::optional<std::int64_t> timeout;
};

class Lwm2mQueueHandlersTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Services s = services();
    s.lwm2m = &lwm2m_;
    api_ = std::make_unique<RestApi>(s);
    device_ = CreateDevice("sleepy");
  }

  std::string Path(const std::string& rest) {
    return "/api/v1/devices/" + std::to_string(device_) + "/lwm2m" + rest;
  }

  FakeLwm2m lwm2m_;
  std::int64_t device_ = 0;
};

TEST_F(Lwm2mQueueHandlersTest, AReadForASleepingDeviceAnswers202WithTheOperation) {
  Response r = Call("GET", Path("/3/0/9"), "", viewer_);
  ASSERT_EQ(r.status, 202) << r.body;
  auto body = Json(r);
  EXPECT_TRUE(body.at("queued").as_bool());
  EXPECT_EQ(body.at("operation").at("id").as_int64(), 42);
  EXPECT_EQ(body.at("operation").at("state").as_string(), "waiting");
  EXPECT_EQ(body.at("operation").at("parameters").at("path").as_string(), "/3/0/9");
  EXPECT_EQ(body.at("operation").at("requested_by").as_string(), "watcher");
  bool location = false;
  for (const auto& [name, value] : r.headers) {
    location = location || (name == "Location" && value == "/api/v1/operations/42");
  }
  EXPECT_TRUE(location);
  ASSERT_EQ(lwm2m_.queued.size(), 1u);
  EXPECT_EQ(lwm2m_.queued[0].kind, Lwm2mCall::Kind::kRead);
  EXPECT_EQ(lwm2m_.queued[0].path, "/3/0/9");
  EXPECT_EQ(lwm2m_.queued[0].device, device_);
  EXPECT_FALSE(lwm2m_.timeout);
  EXPECT_TRUE(lwm2m_.sent.empty());
}

TEST_F(Lwm2mQueueHandlersTest, TimeoutSetsTheDeadlineAndMustBePositive) {
  Response r = Call("PUT", Path("/1/0/1?timeout=60"), "300", operator_);
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(lwm2m_.timeout);
  EXPECT_EQ(*lwm2m_.timeout, 60'000);
  EXPECT_EQ(lwm2m_.queued.at(0).kind, Lwm2mCall::Kind::kWrite);
  EXPECT_EQ(lwm2m_.queued.at(0).body.as_int64(), 300);

  Response bad = Call("GET", Path("/3/0/9?timeout=0"), "", operator_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(lwm2m_.queued.size(), 1u);
}

TEST_F(Lwm2mQueueHandlersTest, QueueFalseAndAnAwakeDeviceSendAtOnce) {
  Response now = Call("GET", Path("/3/0/9?queue=false"), "", viewer_);
  EXPECT_EQ(now.status, 200) << now.body;
  lwm2m_.asleep = false;
  Response awake = Call("GET", Path("/3/0/9"), "", viewer_);
  EXPECT_EQ(awake.status, 200) << awake.body;
  EXPECT_EQ(lwm2m_.sent.size(), 2u);
  EXPECT_TRUE(lwm2m_.queued.empty());
}

TEST_F(Lwm2mQueueHandlersTest, ListingObservationsAndPassiveCancelNeedNoDevice) {
  Response list = Call("GET", Path("/observations"), "", viewer_);
  EXPECT_EQ(list.status, 200) << list.body;
  Response cancel = Call("DELETE", Path("/observations/o1?passive=true"), "", operator_);
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(lwm2m_.sent.size(), 2u);
  EXPECT_TRUE(lwm2m_.queued.empty());
}

TEST_F(Lwm2mQueueHandlersTest, AFullQueueIs429) {
  lwm2m_.full = true;
  Response r = Call("POST", Path("/3/0/4"), "", operator_);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(ErrorCode(r), "queue_full");
}

}  // namespace
}  // namespace custos::api
