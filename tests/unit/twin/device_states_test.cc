// DeviceStates over the real SQLite store: desired and reported documents, their versions,
// the device model and the events.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <random>

#include "store/sqlite/sqlite_store.h"
#include "twin/twin.h"

namespace custos::twin {
namespace {

namespace json = boost::json;
using core::ErrorCode;

class DeviceStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("custos-twin-" + std::to_string(::getpid()) +
                                                     "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    states_ = std::make_unique<DeviceStates>(*store_, *registry_, *events_);
    core::Device d;
    d.name = "meter-1";
    auto created = registry_->CreateDevice(operator_, d);
    ASSERT_TRUE(created) << created.error().message;
    id_ = created->id;
    sub_ = events_->Subscribe({});
  }
  void TearDown() override {
    sub_.reset();
    states_.reset();
    registry_.reset();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }

  static json::object Object(std::string_view text) { return json::parse(text).as_object(); }

  // The events published since the last call, as "type data".
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    while (auto e = sub_->Next(0)) out.push_back(e->type + " " + e->data_json);
    return out;
  }

  ReportedUpdate Reported(std::string_view patch, std::optional<std::int64_t> based_on = {},
                          std::optional<std::int64_t> applied = {}) {
    ReportedUpdate u;
    u.patch = Object(patch);
    u.based_on = based_on;
    u.desired_applied = applied;
    return u;
  }

  core::FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<DeviceStates> states_;
  std::shared_ptr<core::EventSubscription> sub_;
  core::DeviceId id_ = 0;
  const core::Actor operator_{2, "ops", core::Role::kOperator};
};

TEST_F(DeviceStatesTest, DesiredPatchMergesVersionsAuditsAndPublishes) {
  auto first = states_->PatchDesired(operator_, id_, Object(R"({"interval":30,"net":{"apn":"a"}})"),
                                     std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->desired_version, 1);
  auto second =
      states_->PatchDesired(operator_, id_, Object(R"({"net":{"apn":null},"mode":"eco"})"), 1);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->desired_version, 2);
  EXPECT_EQ(json::parse(second->desired_json),
            json::parse(R"({"interval":30,"net":{},"mode":"eco"})"));
  EXPECT_EQ(Events(),
            (std::vector<std::string>{R"(device.state.desired {"name":"meter-1","version":1})",
                                      R"(device.state.desired {"name":"meter-1","version":2})"}));
  core::AuditQuery q;
  q.action_prefix = "device.state.desire";
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].actor, "ops");
  EXPECT_EQ(json::parse((*audit)[0].details_json),
            json::parse(R"({"version":2,"patch":{"net":{"apn":null},"mode":"eco"}})"));
}

TEST_F(DeviceStatesTest, DesiredPatchChecksVersionSizeAndLifecycle) {
  ASSERT_TRUE(states_->PatchDesired(operator_, id_, Object(R"({"a":1})"), std::nullopt));
  auto stale = states_->PatchDesired(operator_, id_, Object(R"({"a":2})"), 0);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);

  auto same = states_->PatchDesired(operator_, id_, Object(R"({"a":1})"), std::nullopt);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->desired_version, 1);

  json::object big;
  big["blob"] = std::string(kMaxDocumentBytes, 'x');
  EXPECT_EQ(states_->PatchDesired(operator_, id_, big, std::nullopt).error().code,
            ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(states_->PatchDesired(operator_, 999, Object("{}"), std::nullopt).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(registry_->RetireDevice(operator_, id_, "gone"));
  EXPECT_EQ(states_->PatchDesired(operator_, id_, Object(R"({"a":3})"), std::nullopt).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST_F(DeviceStatesTest, ReportedUpdateFeedsTheDeviceModelAndAcknowledges) {
  ASSERT_TRUE(states_->PatchDesired(operator_, id_, Object(R"({"interval":30})"), std::nullopt));
  Events();
  auto applied = states_->ApplyReported(
      id_, "meter-1",
      Reported(R"({"firmware_version":"1.4.2","battery_level":87,"interval":30})", 0, 1));
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->reported_version, 1);
  EXPECT_EQ(applied->desired_acknowledged, 1);
  auto device = registry_->GetDevice(id_);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->identity.firmware_version, "1.4.2");
  EXPECT_EQ(device->health.battery_level, 87);
  auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].starts_with("device.state.reported ")) << events[0];
  EXPECT_TRUE(events[1].starts_with("device.updated ")) << events[1];
  EXPECT_NE(events[0].find(R"("version":1)"), std::string::npos);

  auto state = states_->Get(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(StateToJson(*state).at("delta"), json::value(json::object()));
}

TEST_F(DeviceStatesTest, ReportedUpdateBasedOnAnOldVersionIsAConflict) {
  ASSERT_TRUE(states_->ApplyReported(id_, "meter-1", Reported(R"({"a":1})")));
  auto stale = states_->ApplyReported(id_, "meter-1", Reported(R"({"a":2})", 0));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_NE(stale.error().message.find("version 1"), std::string::npos);
  auto based = states_->ApplyReported(id_, "meter-1", Reported(R"({"a":2})", 1));
  ASSERT_TRUE(based);
  EXPECT_EQ(based->reported_version, 2);
}

TEST_F(DeviceStatesTest, MalformedWellKnownMembersStoreNothing) {
  auto bad = states_->ApplyReported(id_, "meter-1", Reported(R"({"battery_level":"full","a":1})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto state = states_->Get(id_);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->reported_version, 0);
  EXPECT_TRUE(Events().empty());
}

TEST_F(DeviceStatesTest, StateJsonShowsDocumentsVersionsAndDelta) {
  ASSERT_TRUE(states_->PatchDesired(operator_, id_, Object(R"({"interval":30,"mode":"eco"})"),
                                    std::nullopt));
  ASSERT_TRUE(states_->ApplyReported(id_, "meter-1", Reported(R"({"interval":60,"mode":"eco"})")));
  auto state = states_->Get(id_);
  ASSERT_TRUE(state);
  json::object view = StateToJson(*state);
  EXPECT_EQ(view.at("desired"), json::parse(R"({"interval":30,"mode":"eco"})"));
  EXPECT_EQ(view.at("reported"), json::parse(R"({"interval":60,"mode":"eco"})"));
  EXPECT_EQ(view.at("delta"), json::parse(R"({"interval":30})"));
  EXPECT_EQ(view.at("desired_version").as_int64(), 1);
  EXPECT_EQ(view.at("reported_version").as_int64(), 1);
  EXPECT_EQ(view.at("desired_acknowledged").as_int64(), 0);
  EXPECT_EQ(view.at("desired_updated_at").as_string(), "2023-11-14T22:13:20.000Z");
}

}  // namespace
}  // namespace custos::twin
